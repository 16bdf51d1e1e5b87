// Plain line-oriented output, readable on a terminal and in a log file: one line per
// service state change, then the summary. (The full set of renderers — tty, json,
// quiet — replaces this.)
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/log_sink.h"
#include "core/plan.h"
#include "core/status.h"

namespace boss {

class ConsoleSink : public EventSink {
 public:
  ConsoleSink(bool verbose, bool quiet, std::FILE* out = stdout, std::FILE* err = stderr)
      : m_verbose(verbose), m_quiet(quiet), m_out(out), m_err(err) {}
  void emit(const Event& event) override;

 private:
  void line(std::FILE* stream, const std::string& text);
  std::string pad(const std::string& service) const;

  bool m_verbose;
  bool m_quiet;
  std::FILE* m_out;
  std::FILE* m_err;
  std::size_t m_width = 0;
  std::mutex m_mutex;
};

std::string render_summary(const CommandResult& result);
std::string render_plan(const Plan& plan);
std::string render_status(const StatusReport& report);

}  // namespace boss

namespace boss {

// `boss logs` output: "name | text", names aligned.
class ConsoleLogPrinter : public LogSink {
 public:
  ConsoleLogPrinter(std::vector<std::string> names, bool timestamps, std::FILE* out = stdout);
  void line(const std::string& service, int instance, const LogLine& line) override;
  void idle() override;

 private:
  std::size_t m_width = 0;
  bool m_timestamps;
  std::FILE* m_out;
  std::mutex m_mutex;
};

}  // namespace boss
