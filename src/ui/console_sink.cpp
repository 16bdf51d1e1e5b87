#include "ui/console_sink.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace boss {
namespace {

std::string format_ports(const std::vector<PublishedPort>& ports) {
  std::vector<std::string> shown;
  for (const auto& p : ports) {
    const bool any_address = p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::";
    std::string text = (any_address ? "" : p.host_ip + ":") + std::to_string(p.host_port) + "->" +
                       std::to_string(p.container_port) + "/" + p.protocol;
    if (std::find(shown.begin(), shown.end(), text) == shown.end()) shown.push_back(std::move(text));
  }
  std::string out;
  for (const auto& s : shown) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.0f s", s);
  return buf;
}

// What was done, as the summary says it.
std::string done(ActionKind action) {
  switch (action) {
    case ActionKind::create: return "created";
    case ActionKind::recreate: return "recreated";
    case ActionKind::undecided: return "created";
    case ActionKind::start: return "restarted";
    case ActionKind::keep: return "kept";
    default: return action_name(action);
  }
}

std::string describe(const ServiceEvent& e) {
  switch (e.phase) {
    case Phase::pulling: return "pulling image " + e.reason;
    case Phase::building: return "building image " + e.reason;
    case Phase::hook: return "running " + e.hook;
    case Phase::creating: return std::string(e.action == ActionKind::recreate ? "recreating (" : "creating (") + e.reason + ")";
    case Phase::starting: return "starting (" + e.reason + ")";
    case Phase::waiting: return e.reason == "ping" ? "waiting for ping" : "waiting (" + e.reason + ")";
    case Phase::up: return "up (" + done(e.action) + " in " + seconds(e.elapsed) + ")";
    case Phase::kept: return "up (" + e.reason + ")";
    case Phase::failed: return "failed: " + e.reason;
    case Phase::skipped: return "not started: " + e.reason;
    case Phase::stopped: return e.reason.empty() ? "stopped" : e.reason;
    case Phase::removed: return e.reason.empty() ? "stopped and removed" : "removed";
    default: return std::string(phase_name(e.phase)) + (e.reason.empty() ? "" : " (" + e.reason + ")");
  }
}

}  // namespace

std::string ConsoleSink::pad(const std::string& service) const {
  return service + std::string(m_width > service.size() ? m_width - service.size() : 0, ' ');
}

void ConsoleSink::line(std::FILE* stream, const std::string& text) {
  std::fputs(text.c_str(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

void ConsoleSink::emit(const Event& event) {
  std::lock_guard lock(m_mutex);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, OperationEvent>) {
          for (const auto& s : e.services) m_width = std::max(m_width, s.size());
        } else if constexpr (std::is_same_v<T, ServiceEvent>) {
          const bool failure = e.phase == Phase::failed;
          if (m_quiet && !failure) return;
          line(failure && m_quiet ? m_err : m_out, pad(e.service) + "  " + describe(e));
        } else if constexpr (std::is_same_v<T, ProgressEvent>) {
          if (m_quiet) return;
          const auto& p = e.progress;
          if (p.kind == ImageProgress::Kind::build && !p.text.empty()) line(m_out, pad(e.service) + "  | " + p.text);
          if (p.kind == ImageProgress::Kind::pull && p.total == 0 && !p.status.empty())
            line(m_out, pad(e.service) + "  | " + (p.layer.empty() ? "" : p.layer + ": ") + p.status);
        } else if constexpr (std::is_same_v<T, StillWaitingEvent>) {
          if (!m_quiet)
            line(m_out, pad(e.service) + "  still waiting (" + seconds(e.waited) + " of " + seconds(e.timeout) +
                            "): " + e.last_result);
        } else if constexpr (std::is_same_v<T, HookOutputEvent>) {
          if (!m_quiet) line(m_out, (e.service.empty() ? std::string("boss") : pad(e.service)) + "  > " + e.text);
        } else if constexpr (std::is_same_v<T, WarningEvent>) {
          line(m_err, "boss: warning: " + e.text);
        } else if constexpr (std::is_same_v<T, TraceEvent>) {
          if (m_verbose) line(m_err, e.text);
        } else if constexpr (std::is_same_v<T, SummaryEvent>) {
          std::fputs(render_summary(e.result).c_str(), m_out);
          std::fflush(m_out);
        }
      },
      event.body);
}

std::string render_summary(const CommandResult& result) {
  std::size_t width = 7;
  for (const auto& o : result.outcomes) width = std::max(width, o.service.size());
  std::ostringstream out;
  std::map<std::string, int> counts;
  out << "summary:\n";
  for (const auto& o : result.outcomes) {
    const bool absent = o.action == ActionKind::none && o.reason == "no container";
    const std::string status = o.status == Phase::kept ? "up" : absent ? "absent" : phase_name(o.status);
    ++counts[status];
    out << "  " << o.service << std::string(width - o.service.size() + 2, ' ') << status
        << std::string(status.size() < 12 ? 12 - status.size() : 1, ' ');
    if (o.status == Phase::up || o.status == Phase::kept)
      out << done(o.action) << (o.reason.empty() || o.status == Phase::kept ? "" : " (" + o.reason + ")");
    else if (o.status == Phase::stopped)
      out << (o.reason.empty() ? "stopped" : o.reason);
    else if (o.status == Phase::removed)
      out << (o.reason.empty() ? "stopped and removed" : "removed");
    else
      out << o.reason;
    if (!o.ports.empty()) out << "  " << format_ports(o.ports);
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

std::string render_plan(const Plan& plan) {
  std::size_t kind_width = 0, name_width = 0;
  for (const auto& d : plan.services) {
    kind_width = std::max(kind_width, std::string(action_name(d.kind)).size());
    name_width = std::max(name_width, d.service.size());
  }
  std::string out;
  for (const auto& d : plan.services) {
    std::string kind = action_name(d.kind);
    std::string reason = d.reason;
    if (d.image == Decision::Image::pull) reason += " (will pull the image)";
    if (d.image == Decision::Image::build) reason += " (will build the image)";
    out += kind + std::string(kind_width - kind.size() + 2, ' ') + d.service +
           std::string(name_width - d.service.size() + 2, ' ') + reason + "\n";
  }
  return out;
}

std::string render_status(const StatusReport& report) {
  std::size_t w_service = 7, w_state = 5;
  std::vector<std::string> states;
  for (const auto& r : report.rows) {
    std::string state = (r.orphan ? "orphan " : "") + r.state;
    if (!r.not_ready.empty())
      state += " (not ready: " + r.not_ready + ")";
    else if (!r.health.empty())
      state += " (" + r.health + ")";
    else if (r.exit_code)
      state += " (" + std::to_string(*r.exit_code) + ")";
    states.push_back(state);
    w_service = std::max(w_service, r.service.size());
    w_state = std::max(w_state, state.size());
  }
  std::string out;
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::string line = a + std::string(w_service - a.size() + 2, ' ') + b + std::string(w_state - b.size() + 2, ' ') +
                       c + std::string(c.size() < 14 ? 14 - c.size() : 1, ' ') + d;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  row("SERVICE", "STATE", "CONTAINER", "PORTS");
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const auto& r = report.rows[i];
    row(r.service, states[i], r.container_id.substr(0, 12), format_ports(r.ports));
  }
  return out;
}

}  // namespace boss

namespace boss {

ConsoleLogPrinter::ConsoleLogPrinter(std::vector<std::string> names, bool timestamps, std::FILE* out)
    : m_timestamps(timestamps), m_out(out) {
  for (const auto& n : names) m_width = std::max(m_width, n.size());
}

void ConsoleLogPrinter::line(const std::string& service, int, const LogLine& line) {
  std::lock_guard lock(m_mutex);
  std::string text = service + std::string(m_width > service.size() ? m_width - service.size() : 0, ' ') + " | ";
  if (m_timestamps) text += line.timestamp + " ";
  text += line.text;
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), m_out);
}

void ConsoleLogPrinter::idle() {
  std::lock_guard lock(m_mutex);
  std::fflush(m_out);
}

}  // namespace boss
