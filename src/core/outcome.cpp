#include "core/outcome.h"

namespace boss {

const char* outcome_name(OutcomeStatus status) {
  switch (status) {
    case OutcomeStatus::up: return "up";
    case OutcomeStatus::failed: return "failed";
    case OutcomeStatus::skipped: return "skipped";
    case OutcomeStatus::interrupted: return "interrupted";
    case OutcomeStatus::stopped: return "stopped";
    case OutcomeStatus::removed: return "removed";
    case OutcomeStatus::absent: return "absent";
  }
  return "?";
}

bool CommandResult::any_failed() const {
  if (!error.empty()) return true;
  for (const auto& o : outcomes)
    if (o.status == OutcomeStatus::failed || o.status == OutcomeStatus::skipped) return true;
  return false;
}

int CommandResult::exit_code() const {
  if (interrupted) return 130;
  return any_failed() ? 1 : 0;
}

}  // namespace boss
