#include "ui/history_view.h"

#include <algorithm>

#include "core/time_text.h"
#include "ui/format.h"

namespace boss {

namespace {

// Seconds from start to end, when both are known (the engine may stamp the start of a
// run of a few milliseconds after its end: 0).
std::optional<double> took(const RunRecord& r) {
  const auto start = parse_rfc3339(r.started);
  const auto end = parse_rfc3339(r.ended);
  if (!start || !end) return std::nullopt;
  return std::max(0.0, std::chrono::duration<double>(*end - *start).count());
}

}  // namespace

std::string render_history_text(const std::vector<RunRecord>& runs) {
  if (runs.empty()) return "no runs recorded yet\n";
  std::vector<std::vector<std::string>> rows = {{"JOB", "STARTED", "TOOK", "EXIT", "ATTEMPT", "LOG"}};
  for (const auto& r : runs) {
    const auto seconds = took(r);
    rows.push_back({r.job, r.started, seconds ? format_seconds(*seconds) : "?",
                    std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : ""), std::to_string(r.attempt),
                    r.log_file});
  }
  return render_columns(rows);
}

Json history_json(const std::vector<RunRecord>& runs) {
  Json list = Json::array();
  for (const auto& r : runs) {
    Json j = {{"job", r.job},         {"attempt", r.attempt},     {"started", r.started},
              {"ended", r.ended},     {"exit_code", r.exit_code}, {"timed_out", r.timed_out},
              {"container", r.container_id}, {"log_file", r.log_file}};
    if (const auto seconds = took(r)) j["seconds"] = *seconds;
    list.push_back(std::move(j));
  }
  return {{"v", 1}, {"type", "history"}, {"runs", list}};
}

}  // namespace boss
