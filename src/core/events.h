// What happens during an operation, as data: core emits typed events, never text, and
// ui/ renders them for people (tty, plain) or machines (json). Nothing parses prose.
//
// Every event carries the wall-clock time it was emitted. Sinks are called from any
// thread, concurrently; an event is only valid during the call.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/engine.h"
#include "core/action.h"
#include "core/outcome.h"
#include "core/phase.h"

namespace boss {

// A service changed phase.
struct ServiceEvent {
  std::string service;
  int instance = 0;          // 1-based replica number; 0 for a single-container service
  Phase phase = Phase::queued;
  ActionKind action = ActionKind::none;  // what the operation does to it (plan.h)
  std::string reason;        // why: "no container", "env USER_ID changed", the failure, ...
  std::string hook;          // Phase::hook: "pre_start" or "post_start"
  std::string container_id;  // when known
  std::vector<PublishedPort> ports;  // up and kept: where it can be reached
  std::optional<int> exit_code;      // failed: its container's exit code, when it exited; a job's, up or failed
  int attempts = 0;                  // a job that ended (up or failed): how many times it ran
  bool job = false;                  // a job's (kind = "job"): kept reads as done before
  // A sidecar's (core/sidecars.h): the job it runs beside; `service` is the sidecar's name.
  std::string sidecar_of;
  double elapsed = 0;        // seconds since the operation began working on the service
};

// A step of a service's image pull or build.
struct ProgressEvent {
  std::string service;
  ImageProgress progress;
};

// A while passed without the service becoming ready: what its last check said.
struct StillWaitingEvent {
  std::string service;
  int instance = 0;
  double waited = 0;        // seconds since it started
  double timeout = 0;       // seconds it may take in all
  std::string last_result;  // "ping returned false", "ping raised: ...", ...
};

// boss.log(...) from a hook; `service` is "" outside a service's hook.
struct HookOutputEvent {
  std::string service;  // "" for group hooks and the file's own top level
  std::string text;
  int instance = 0;     // the replica whose hook printed (0: a service of one instance)
};

// A problem that does not stop the operation.
struct WarningEvent {
  std::string text;
};

// Details shown only with -v: engine calls with their durations, Lua tracebacks.
struct TraceEvent {
  std::string text;
};

// What `boss watch` saw and did between operations, one line each: "watching ...",
// "src/app.py changed: rebuilding", "synced 2 files", "stopped watching".
// `service` is "" for the project as a whole (services.lua, the watch itself).
struct WatchEvent {
  std::string service;
  std::string text;
};

// An operation begins: the command, and the services it will act on, in order.
struct OperationEvent {
  std::string command;  // "start", "stop", "reload", ...
  std::string project;
  std::vector<std::string> services;
};

// An operation ended: what happened to every service.
struct SummaryEvent {
  CommandResult result;
};

// `boss serve`: a scheduled job's run fell due, and what became of it. The run itself is
// an operation of its own (OperationEvent ... SummaryEvent, command "run-jobs").
struct ScheduleEvent {
  enum class What {
    next,      // when it is due next (after serve began, and after each due moment)
    run,       // a run begins now
    skip,      // left out: the last run still runs (overlap = "skip")
    queue,     // runs once the last run ended (overlap = "queue")
    replace,   // the last run is stopped and this one begins after it (overlap = "replace")
    catch_up,  // a run missed while boss was not running begins now (catch_up = true)
  };
  std::string job;
  What what = What::next;
  std::chrono::system_clock::time_point due;  // the due moment (next: the coming one)
  double late = 0;                            // run, catch_up: seconds from due to the run's beginning
};
inline const char* schedule_what_name(ScheduleEvent::What what) {
  switch (what) {
    case ScheduleEvent::What::next: return "next";
    case ScheduleEvent::What::run: return "run";
    case ScheduleEvent::What::skip: return "skip";
    case ScheduleEvent::What::queue: return "queue";
    case ScheduleEvent::What::replace: return "replace";
    case ScheduleEvent::What::catch_up: return "catch_up";
  }
  return "next";
}

struct Event {
  using Body = std::variant<OperationEvent, ServiceEvent, ProgressEvent, StillWaitingEvent, HookOutputEvent,
                            WarningEvent, TraceEvent, SummaryEvent, WatchEvent, ScheduleEvent>;
  std::chrono::system_clock::time_point time;
  Body body;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Thread-safe. Renderers must not block on slow output for long.
  virtual void emit(const Event& event) = 0;

  // Stamps `body` with the current time and emits it.
  template <typename Body>
  void emit_now(Body body) {
    emit(Event{std::chrono::system_clock::now(), Event::Body(std::move(body))});
  }
};

// Discards everything.
class NullSink : public EventSink {
 public:
  void emit(const Event&) override {}
};

}  // namespace boss
