// The words boss uses for a service's state, written from the typed fields of events and
// outcomes (Phase, ActionKind, reason, ...). Shared by plain, tty and the summary so a
// state reads the same everywhere.
#pragma once

#include <string>

#include "core/events.h"
#include "core/outcome.h"

namespace boss {

// A phase in progress: "queued", "pulling image", "running post_start", "waiting until
// ready", ... For a final phase, outcome_text() of the event's fields.
std::string phase_text(const ServiceEvent& event);
// Who an event is about, as a user calls it: service_label's "web", "web-2"; a sidecar's
// "<job>/<sidecar>" ("load/redis").
std::string event_label(const ServiceEvent& event);

// A service that reached a final phase, as the summary and the last line show it:
//   up after create      "up (created in 1.2 s)"
//   kept                 "up (running, unchanged)"
//   stopped              "stopped (in 0.3 s)", "stopped (killed after ignoring its stop signal)"
//   a job that succeeded "done (exit 0, 2 attempts, 1.3 s)"
//   a job done before    "done (done: exited 0 last time, unchanged)"
//   failed               "failed: <reason>"; a job's with its runs: "failed: exited with code 3 (exit 3, 1 attempt, 0.2 s)"
//   skipped              "skipped: dependency 'db' failed"
//   interrupted          "interrupted: <reason>", or "not started (interrupted)"
std::string outcome_text(const ServiceOutcome& outcome);
// The outcome's reason when outcome_text() does not already say it ("no container" for a
// service created and up); "" otherwise.
std::string outcome_reason(const ServiceOutcome& outcome);

// "still waiting (12 s of 300 s): ping returned false" (whole seconds).
std::string still_waiting_text(const StillWaitingEvent& event);

// boss serve's word for a due run: "next run at 2026-12-07 10:00:02 (local)", "run (due
// 10:00:02.000, 3 ms late)", "skipped: its last run still runs", "queued: runs when its
// last run ends", "replacing its last run", "catching up on a run missed (due ...)".
std::string schedule_text(const ScheduleEvent& event);

// The event's fields as an outcome (for a final phase, the outcome it announces).
ServiceOutcome outcome_of(const ServiceEvent& event);

// What was decided for the service and why: "create: no container".
std::string decision_text(ActionKind action, const std::string& reason);

}  // namespace boss
