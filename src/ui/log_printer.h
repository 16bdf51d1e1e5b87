// `boss logs`: container output as "name | text", the names' column aligned, or as one
// JSON object per line ({"v", "type": "log", "service", "instance"?, "stream", "time",
// "text"}).
//
// Built to keep up with a container that writes as fast as it can: lines are appended to
// one buffer (no allocation per line once the buffer and the per-service prefixes exist)
// and written when it passes ~64 KB or when idle() says the streams went quiet. One
// mutex keeps every line whole when containers' threads call line() at once.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/log_sink.h"

namespace boss {

class LogPrinter : public LogSink {
 public:
  enum class Format { text, json };
  struct Options {
    std::FILE* out = stdout;
    Format format = Format::text;
    bool color = false;       // text: each name in its own colour (never red or green)
    bool timestamps = false;  // text: the engine's timestamp before each line
    std::vector<std::string> labels;  // names known in advance ("web", "web-2"), for the column
    std::size_t flush_bytes = 64 * 1024;
  };

  explicit LogPrinter(Options options);
  ~LogPrinter() override;  // flush()

  void line(const std::string& service, int instance, const LogLine& line) override;
  void idle() override { flush(); }
  // Writes what is buffered and flushes the stream.
  void flush();

 private:
  const std::string& prefix(const std::string& service, int instance);  // m_mutex held
  void write_buffer();                                                  // m_mutex held

  Options m_options;
  std::mutex m_mutex;
  std::string m_buffer;
  std::size_t m_width = 0;  // the name column
  // service -> per instance: "web  | " (text) or {"v":1,...,"stream":" (json)
  std::unordered_map<std::string, std::vector<std::string>> m_prefixes;
};

// The colour of a name in `boss logs`: the same for a name on every run.
std::string_view log_color(const std::string& label);

}  // namespace boss
