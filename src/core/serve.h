// `boss serve`: brings the services up (Runtime::start of all services, which leaves the
// scheduled jobs out), then runs each scheduled job (core/schedule.h) when it is due, as
// `boss run-jobs JOB` does (Runtime::start with the job to rerun): one job machinery, its
// run logs, history and events. A ScheduleEvent says every due moment and what became of it.
//
// Runs of one job never overlap: a due run while the last one runs is left out, queued
// (one waits at most) or replaces it (its container is stopped with its stop_timeout,
// then the new run begins), as its `overlap` says. Runs of different jobs are operations
// of their own and take the project lock in turn, so one waits while another job's run
// holds it. catch_up: a run missed since the job's last recorded run (core/run_log.h)
// begins at once.
//
// `shutdown` (SIGTERM, Ctrl-C) ends it: no run begins after it; each running job's
// container is stopped with its stop_timeout and its run ends as the job says (recorded
// like any run; it is not run again); then serve returns 0. The runtime must have been
// made with `runs` as its Cancel, which serve requests only if the runs do not end by
// themselves (a first start still under way, a job waiting to be retried).
#pragma once

#include <chrono>
#include <cstddef>

#include "core/cancel.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/runtime.h"
#include "core/schedule.h"

namespace boss {

struct ServeRequest {
  StartRequest start;  // the services' start (all of them, as `boss start`)
  double timeout = 300;
  std::size_t keep_runs = 0;
  std::size_t parallel = 0;
};

// Returns the first start's exit code when it fails or is interrupted, else 0 after the
// shutdown.
int serve(Runtime& runtime, Engine& engine, EventSink& events, const ServeRequest& request, const Cancel& shutdown,
          Cancel& runs, const TimeZone& zone);

}  // namespace boss
