// What happened to each service in an operation: the summary, and the exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/engine.h"
#include "core/phase.h"

namespace boss {

struct ServiceOutcome {
  std::string service;
  int instance = 0;              // 1-based replica; 0 for a single-container service
  Phase status = Phase::up;      // a final phase: up, kept, stopped, removed, failed, skipped, interrupted
  ActionKind action = ActionKind::none;  // what was (or was to be) done
  std::string reason;            // why the action; for failed the error, for skipped the cause
  std::string cause;             // skipped: the dependency whose failure skipped it
  std::string logs;              // failed: the tail of its container's output
  std::string container_id;
  std::vector<PublishedPort> ports;  // up and kept: where it can be reached
  std::optional<int> exit_code;  // when its container exited
  bool began = false;            // interrupted: work on it had begun (else never touched)
  // failed or interrupted: the container that ran before is left running as it was (a
  // failed build, a new-first replacement that never got ready: boss watch says so).
  bool left_running = false;
  bool killed = false;           // stopped: it ignored its stop signal and was killed
  int attempts = 0;              // a job's: how many times it ran (0: not a job, or it never ran)
  bool job = false;              // a job's (kind = "job"): kept reads as done before
  std::string log_file;          // a job that ran: its last run's output (core/run_log.h)
  double seconds = 0;
};

// A project-wide resource an operation removed (down, prune, stop --remove, start
// --remove-orphans).
struct RemovedResource {
  std::string kind;  // "container", "network", "volume", "image"
  std::string name;
  bool operator==(const RemovedResource&) const = default;
};

struct CommandResult {
  std::string command;  // "start", "stop", "reload", ...
  std::string project;
  std::vector<ServiceOutcome> outcomes;
  std::vector<RemovedResource> removed;  // in the order they went
  bool interrupted = false;
  std::string error;  // a failure of the operation itself (e.g. a group hook), one line
  bool any_failed() const;
  // 0 all good, 1 something failed, 130 interrupted.
  int exit_code() const;
};

}  // namespace boss
