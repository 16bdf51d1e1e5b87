// What happened to each service in a command, for the summary and the exit code.
#pragma once

#include <string>
#include <vector>

namespace boss {

enum class OutcomeStatus { up, failed, skipped, interrupted, stopped, removed, absent };
const char* outcome_name(OutcomeStatus status);

struct ServiceOutcome {
  std::string service;
  OutcomeStatus status = OutcomeStatus::up;
  std::string detail;  // "created", "kept", "restarted", "dependency 'db' failed", ...
  std::string error;   // one line, for failed
  std::string logs;    // tail of the container's logs, for failed
  double seconds = 0;
};

struct CommandResult {
  std::vector<ServiceOutcome> outcomes;
  bool interrupted = false;
  std::string error;  // a failure of the command itself (e.g. a group hook), one line
  bool any_failed() const;
  // 0 all good, 1 something failed, 130 interrupted.
  int exit_code() const;
};

}  // namespace boss
