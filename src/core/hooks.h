// The scheduler's view of user hooks. The real implementation runs Lua (script/),
// tests use a scripted fake; core code never sees Lua.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/project.h"

namespace boss {

struct HookResult {
  enum class Status { ok, error, timed_out, cancelled };
  Status status = Status::ok;
  bool value = true;      // what the hook returned, as a truth value (meaningful for ping)
  std::string error;      // one line: "services.lua:12: attempt to index nil" (status error)
  std::string traceback;  // full Lua traceback, shown with -v
};

// What boss.on_done(results) gets for one job of a start or run-jobs.
struct JobResult {
  std::string name;
  std::string status;             // "done" (ran now, or kept: done before), "failed", "skipped", "interrupted"
  std::optional<int> exit_code;   // its last run's, when it ran (or ran before)
  int attempts = 0;               // runs in this operation (0: done before, or not run)
  double seconds = 0;             // how long the operation worked on it
  std::string log_file;           // its last run's output now (core/run_log.h), "" when it did not run
  bool operator==(const JobResult&) const = default;
};

class Hooks {
 public:
  virtual ~Hooks() = default;

  // Runs a service hook and blocks the calling thread (a worker, never the loop thread)
  // until it finishes, `deadline` passes (timed_out) or `cancel` is requested
  // (cancelled); a hook given up on is stopped, and so are the host commands it runs. `container_id` is the service's current container, for self:exec and
  // self:host_port. Calling a hook the service does not define returns ok/true at once.
  // `instance`: which of the service's containers it runs for (self.instance, 1-based;
  // instances.h), each instance with a `self` of its own. `exit_code`: post_run's
  // argument (self, exit_code); nullopt for every other hook.
  virtual HookResult call(const std::string& service, Hook hook,
                          const std::string& container_id,
                          std::chrono::steady_clock::time_point deadline, const Cancel& cancel,
                          int instance = 1, std::optional<int> exit_code = std::nullopt) = 0;

  // Group hooks: boss.on_start(names), boss.on_stop(names), boss.on_reload(name).
  // Same blocking contract, without a deadline.
  virtual HookResult on_start(const std::vector<std::string>& services) = 0;
  virtual HookResult on_stop(const std::vector<std::string>& services) = 0;
  virtual HookResult on_reload(const std::string& service) = 0;
  // boss.on_done(results) after a start or run-jobs with jobs in it: one JobResult per job.
  virtual HookResult on_done(const std::vector<JobResult>& results) = 0;
};

}  // namespace boss
