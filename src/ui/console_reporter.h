// Plain line-oriented output, readable on a terminal and in a log file: one line per
// service state change, "name  text". Thread-safe; each line is written whole.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "core/outcome.h"
#include "core/plan.h"
#include "core/reporter.h"

namespace boss {

enum class Verbosity { quiet, normal, verbose };

class ConsoleReporter : public Reporter {
 public:
  ConsoleReporter(Verbosity verbosity, std::FILE* out = stdout, std::FILE* err = stderr)
      : m_verbosity(verbosity), m_out(out), m_err(err) {}
  // Service names are padded to the longest, so columns line up.
  void set_names(const std::vector<std::string>& names);

  void service_event(const std::string& service, const std::string& text) override;
  void progress(const std::string& service, const std::string& line) override;
  void log(const std::string& service, const std::string& text) override;
  void warning(const std::string& text) override;
  void verbose(const std::string& text) override;

 private:
  void line(std::FILE* stream, const std::string& text);
  std::string pad(const std::string& service) const;

  Verbosity m_verbosity;
  std::FILE* m_out;
  std::FILE* m_err;
  std::size_t m_width = 0;
  std::mutex m_mutex;
};

// The end-of-command summary: a row per service and its outcome, each failure with its
// reason and the tail of its container's logs, then a count line.
std::string render_summary(const CommandResult& result);

}  // namespace boss
