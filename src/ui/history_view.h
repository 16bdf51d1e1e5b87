// `boss history`: a job's runs (core/run_log.h) as a table for people and as one JSON
// document for machines.
#pragma once

#include <string>
#include <vector>

#include "core/run_log.h"
#include "ui/json_fields.h"

namespace boss {

// JOB / STARTED / TOOK / EXIT / ATTEMPT / LOG, aligned, oldest first:
//   migrate  2026-12-07T04:26:11.123Z  1.2 s  3 (timed out)  1  /app/logs/migrate/20261207T042611.123Z-1.log
// "no runs recorded yet" when there are none.
std::string render_history_text(const std::vector<RunRecord>& runs);

// {"v": 1, "type": "history", "runs": [{job, attempt, started, ended, seconds, exit_code,
// timed_out, container, log_file}]}.
Json history_json(const std::vector<RunRecord>& runs);

}  // namespace boss
