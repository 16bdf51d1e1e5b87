#include "core/job_run.h"

#include <atomic>
#include <optional>
#include <thread>

#include "core/errors.h"
#include "core/readiness.h"
#include "core/service_failure.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

// How one attempt ended: its exit code, and whether boss killed it for its timeout.
struct AttemptEnd {
  int exit_code = 0;
  bool timed_out = false;
};

// Waits until the container's process exits; past `timeout` (if any) kills it first.
AttemptEnd wait_for_exit(Operation& op, const std::string& id, std::optional<double> timeout) {
  Cancel waiting(&op.cancel);
  std::atomic<bool> timed_out{false};
  Cancel timer_done;
  std::thread timer;
  if (timeout) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*timeout));
    timer = std::thread([&, deadline] {
      if (timer_done.sleep_until(deadline)) return;
      timed_out = true;
      waiting.request();
    });
  }
  struct StopTimer {
    Cancel& done;
    std::thread& timer;
    ~StopTimer() {
      done.request();
      if (timer.joinable()) timer.join();
    }
  } stop_timer{timer_done, timer};
  try {
    return {op.engine.wait_container(id, waiting), false};
  } catch (const Interrupted&) {
    if (!timed_out || op.cancel.requested()) throw;
  } catch (const EngineError& e) {
    throw ServiceFailure{e.what(), id, std::nullopt};
  }
  // Killed at once: the timeout was its grace already.
  try {
    op.engine.stop_container(id, 0);
    return {op.engine.wait_container(id, op.cancel), true};
  } catch (const EngineError& e) {
    throw ServiceFailure{"timed out after " + seconds_phrase(*timeout) + ", and killing it failed: " + e.what(), id,
                         std::nullopt};
  }
}

}  // namespace

JobRun run_job(Operation& op, const ServiceSpec& spec, const std::string& id, ServiceProgress& progress,
               const AfterRun& after_run) {
  for (int attempt = 1;; ++attempt) {
    progress.phase(Phase::waiting, attempt == 1 ? "running" : "running, attempt " + std::to_string(attempt));
    const AttemptEnd end = wait_for_exit(op, id, spec.job.timeout);
    if (after_run) {
      try {
        after_run(end.exit_code);
      } catch (ServiceFailure& failure) {
        failure.container_id = id;
        failure.exit_code = end.exit_code;
        failure.attempts = attempt;
        throw;
      }
    }
    if (!end.timed_out && is_success(spec.job, end.exit_code)) return {end.exit_code, attempt};
    const std::optional<int> judged = end.timed_out ? std::nullopt : std::optional<int>(end.exit_code);
    std::string why = end.timed_out ? "timed out after " + seconds_phrase(*spec.job.timeout) + " and was killed"
                                    : "exited with code " + std::to_string(end.exit_code);
    if (!should_retry(spec.job, attempt, judged)) {
      ServiceFailure failure{why, id, end.exit_code};
      failure.attempts = attempt;
      throw failure;
    }
    const double delay = retry_delay(spec.job.retries, attempt);
    progress.phase(Phase::waiting, why + "; running again in " + seconds_phrase(delay));
    if (op.cancel.sleep_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay))))
      throw Interrupted("interrupted");
    progress.phase(Phase::starting, "attempt " + std::to_string(attempt + 1));
    try {
      op.engine.start_container(id);
    } catch (const EngineError& e) {
      ServiceFailure failure{e.what(), id, std::nullopt};
      failure.attempts = attempt;
      throw failure;
    }
  }
}

}  // namespace boss
