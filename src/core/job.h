// Jobs: services that run to completion (`kind = "job"`). What a job's definition says
// about how it ends, and the pure decisions made of it: whether an exit code is a
// success, whether a failed attempt is run again, and how long to wait before that.
// The executor (job_run.h) carries them out on the engine.
#pragma once

#include <optional>
#include <vector>

#include "core/schedule.h"

namespace boss {

// `retries = { limit = 3, delay = 1, backoff = 2, max_delay = 30, on_exit = { 75 } }`.
struct RetryPolicy {
  int limit = 0;          // runs after the first one at most (0: never run again)
  double delay = 1;       // seconds before the first rerun
  double backoff = 2;     // each further rerun waits this many times longer (>= 1)
  double max_delay = 30;  // but never longer than this
  // When not empty: only attempts that exited with one of these codes are run again (a
  // timed-out attempt has no code of its own and is not); empty: every failure is.
  std::vector<int> on_exit;
  bool operator==(const RetryPolicy&) const = default;
};

struct JobSpec {
  std::vector<int> success_exit_codes;  // besides 0, which always is one
  std::optional<double> timeout;        // seconds one attempt may run before it is killed
  RetryPolicy retries;
  // When `boss serve` runs it (core/schedule.h); a scheduled job is left out of a start
  // of all services, as an on-demand one is.
  JobSchedule schedule;
  bool operator==(const JobSpec&) const = default;
};

// 0, or a code of success_exit_codes.
bool is_success(const JobSpec& job, int exit_code);

// After failed attempt `attempt` (1-based): whether to run the job again. `exit_code`:
// nullopt when the attempt timed out.
bool should_retry(const JobSpec& job, int attempt, std::optional<int> exit_code);

// Seconds to wait before the rerun that follows failed attempt `attempt` (1-based):
// delay * backoff^(attempt - 1), at most max_delay.
double retry_delay(const RetryPolicy& retries, int attempt);

}  // namespace boss
