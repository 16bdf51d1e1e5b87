// Runs a started job's container to its end, on the engine: waits for its exit (the
// engine's wait endpoint), kills it when it outlives its `timeout`, judges the exit code
// (job.h) and starts the same container again as its `retries` allow, after the
// backoff's delay. Its dependents wait for this, so they begin only after its success.
#pragma once

#include <functional>
#include <string>

#include "core/operation.h"
#include "core/service_progress.h"

namespace boss {

struct JobRun {
  int exit_code = 0;  // the successful run's
  int attempts = 0;   // runs, the successful one included
  std::string log_file;  // the successful run's output (core/run_log.h), "" if not written
};

// Each run's output and record go to run_log_dir (core/run_log.h); then only the newest
// `keep_runs` runs of the job stay (0: all).
struct RunLogging {
  std::size_t keep_runs = 0;
  // When the container's previous run ended (RFC 3339, the engine's FinishedAt before
  // this start): the first run's output is what it logged after that. "": a new container.
  std::string previous_end = {};
};

// Called after every attempt ended, with its exit code, before it is judged (the job's
// post_run hook). What it throws (ServiceFailure, Interrupted) ends the job: a failure
// with that attempt's exit code and count.
using AfterRun = std::function<void(int exit_code)>;

// The end of an attempt is the engine's `die` event for it (from the run's watch,
// Operation::watch, or a subscription of its own without one; about 100 ms before the
// wait endpoint, which stays the fallback). The successful
// last run's output is then written in the background (op.background: done before the
// operation ends), so dependents begin at once; JobRun::log_file names it all the same.
// Runs that are judged further (post_run, failures, retries) are written before that.
// `container_id` has just been started (attempt 1). Returns once an attempt succeeded.
// Throws ServiceFailure (the last attempt's exit code, how many ran, why: "exited with
// code 3", "timed out after 2 s and was killed") or Interrupted (Ctrl-C; the container
// is left as it is).
// A failure carries the last run's log_file too.
JobRun run_job(Operation& op, const ServiceSpec& spec, const std::string& container_id, ServiceProgress& progress,
               const AfterRun& after_run = {}, const RunLogging& logging = {});

}  // namespace boss
