#include "ui/console_reporter.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace boss {

void ConsoleReporter::set_names(const std::vector<std::string>& names) {
  for (const auto& n : names) m_width = std::max(m_width, n.size());
}

std::string ConsoleReporter::pad(const std::string& service) const {
  return service + std::string(m_width > service.size() ? m_width - service.size() : 0, ' ');
}

void ConsoleReporter::line(std::FILE* stream, const std::string& text) {
  std::lock_guard lock(m_mutex);
  std::fputs(text.c_str(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

void ConsoleReporter::service_event(const std::string& service, const std::string& text) {
  const bool is_failure = text.rfind("failed", 0) == 0;
  if (m_verbosity == Verbosity::quiet && !is_failure) return;
  line(is_failure && m_verbosity == Verbosity::quiet ? m_err : m_out, pad(service) + "  " + text);
}

void ConsoleReporter::progress(const std::string& service, const std::string& text) {
  if (m_verbosity == Verbosity::quiet) return;
  line(m_out, pad(service) + "  | " + text);
}

void ConsoleReporter::log(const std::string& service, const std::string& text) {
  if (m_verbosity == Verbosity::quiet) return;
  line(m_out, (service.empty() ? std::string("boss") : pad(service)) + "  > " + text);
}

void ConsoleReporter::warning(const std::string& text) { line(m_err, "boss: warning: " + text); }

void ConsoleReporter::verbose(const std::string& text) {
  if (m_verbosity == Verbosity::verbose) line(m_err, text);
}

std::string render_summary(const CommandResult& result) {
  std::size_t width = 7;
  for (const auto& o : result.outcomes) width = std::max(width, o.service.size());
  std::ostringstream out;
  std::map<std::string, int> counts;
  out << "summary:\n";
  for (const auto& o : result.outcomes) {
    const std::string status = phase_name(o.status);
    ++counts[status];
    out << "  " << o.service << std::string(width - o.service.size() + 2, ' ') << status
        << std::string(status.size() < 12 ? 12 - status.size() : 1, ' ');
    if (!o.reason.empty())
      out << o.reason;
    else
      out << o.reason;
    out << "\n";
    if (!o.logs.empty()) {
      std::istringstream logs(o.logs);
      std::string log_line;
      out << "    last log lines:\n";
      while (std::getline(logs, log_line)) out << "    | " << log_line << "\n";
    }
  }
  if (!result.error.empty()) out << "  error: " << result.error << "\n";
  std::string total;
  for (const auto& [status, n] : counts) total += (total.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  out << total << (result.interrupted && !counts.count("interrupted") ? " (interrupted)" : "") << "\n";
  return out.str();
}

}  // namespace boss
