#include "ui/summary_view.h"

#include <algorithm>

#include "ui/format.h"
#include "ui/ports_text.h"
#include "ui/service_words.h"

namespace boss {

namespace {

// The state columns are aligned up to this width; a longer one pushes only its own reason.
constexpr std::size_t kMaxStateWidth = 32;

// The word a service is counted under: kept services are up too.
Phase counted_as(Phase status) { return status == Phase::kept ? Phase::up : status; }

std::string count_line(const CommandResult& result) {
  static const Phase kOrder[] = {Phase::up,     Phase::pushed,  Phase::stopped,    Phase::removed,
                                 Phase::failed, Phase::skipped, Phase::interrupted};
  std::string line;
  bool any_interrupted = false;
  for (Phase phase : kOrder) {
    // Jobs that ran to success, now or before, are "done", not up.
    auto done_job = [](const ServiceOutcome& o) {
      return (o.status == Phase::up && o.attempts > 0) || (o.status == Phase::kept && o.job);
    };
    const auto n = std::count_if(result.outcomes.begin(), result.outcomes.end(), [&](const ServiceOutcome& o) {
      return counted_as(o.status) == phase && !(phase == Phase::up && done_job(o));
    });
    if (phase == Phase::up) {
      const auto done = std::count_if(result.outcomes.begin(), result.outcomes.end(), done_job);
      if (n > 0) line += std::to_string(n) + " up";
      if (done > 0) line += (line.empty() ? "" : ", ") + std::to_string(done) + " done";
      continue;
    }
    if (n == 0) continue;
    any_interrupted |= phase == Phase::interrupted;
    line += (line.empty() ? "" : ", ") + std::to_string(n) + " " + phase_name(phase);
  }
  if (line.empty() && !result.removed.empty()) line = std::to_string(result.removed.size()) + " removed";
  if (line.empty()) line = "nothing to do";
  if (result.interrupted && !any_interrupted) line += " (interrupted)";
  return line;
}

void append_logs(std::string& out, const std::string& indent, const ServiceOutcome& o) {
  out += indent + "last log lines";
  if (o.exit_code) out += " (exit code " + std::to_string(*o.exit_code) + ")";
  out += ":\n";
  std::size_t begin = 0;
  while (begin < o.logs.size()) {
    std::size_t end = o.logs.find('\n', begin);
    if (end == std::string::npos) end = o.logs.size();
    out += indent + "| " + o.logs.substr(begin, end - begin) + "\n";
    begin = end + 1;
  }
}

}  // namespace

std::string render_summary_text(const CommandResult& result) {
  std::size_t name_width = 0, state_width = 0;
  for (const auto& o : result.outcomes) {
    name_width = std::max(name_width, service_label(o.service, o.instance).size());
    if (!outcome_reason(o).empty()) state_width = std::max(state_width, outcome_text(o).size());
  }
  state_width = std::min(state_width, kMaxStateWidth);
  const std::string under = std::string(2 + name_width + 2, ' ');

  std::string out = "summary:\n";
  for (const auto& o : result.outcomes) {
    const std::string state = outcome_text(o);
    const std::string reason = outcome_reason(o);
    std::string row = "  " + pad_right(service_label(o.service, o.instance), name_width, 0) + "  ";
    row += reason.empty() ? state : pad_right(state, state_width, 1) + " " + reason;
    out += row + "\n";
    if ((o.status == Phase::up || o.status == Phase::kept) && !o.ports.empty())
      out += under + format_ports(o.ports) + "\n";
    if (o.status == Phase::failed && !o.logs.empty()) append_logs(out, under, o);
  }
  for (const auto& r : result.removed) out += "  removed " + r.kind + " " + r.name + "\n";
  out += count_line(result) + "\n";
  if (!result.error.empty()) out += "error: " + result.error + "\n";
  return out;
}

}  // namespace boss
