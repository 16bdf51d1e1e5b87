#include "core/job.h"

#include <algorithm>
#include <cmath>

namespace boss {

bool is_success(const JobSpec& job, int exit_code) {
  return exit_code == 0 || std::find(job.success_exit_codes.begin(), job.success_exit_codes.end(), exit_code) !=
                               job.success_exit_codes.end();
}

bool should_retry(const JobSpec& job, int attempt, std::optional<int> exit_code) {
  const RetryPolicy& r = job.retries;
  if (attempt > r.limit) return false;
  if (r.on_exit.empty()) return true;
  return exit_code && std::find(r.on_exit.begin(), r.on_exit.end(), *exit_code) != r.on_exit.end();
}

double retry_delay(const RetryPolicy& r, int attempt) {
  // Computed in logs' terms so a long run of retries cannot overflow to inf first.
  const double exponent = std::max(0, attempt - 1);
  if (r.delay <= 0) return 0;
  const double log_delay = std::log(r.delay) + exponent * std::log(std::max(1.0, r.backoff));
  if (log_delay >= std::log(r.max_delay)) return r.max_delay;
  return std::min(r.max_delay, std::exp(log_delay));
}

}  // namespace boss
