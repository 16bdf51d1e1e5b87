#include "core/phase.h"

namespace boss {

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::queued: return "queued";
    case Phase::pulling: return "pulling";
    case Phase::building: return "building";
    case Phase::hook: return "hook";
    case Phase::removing: return "removing";
    case Phase::creating: return "creating";
    case Phase::starting: return "starting";
    case Phase::waiting: return "waiting";
    case Phase::up: return "up";
    case Phase::kept: return "kept";
    case Phase::stopping: return "stopping";
    case Phase::pushing: return "pushing";
    case Phase::pushed: return "pushed";
    case Phase::stopped: return "stopped";
    case Phase::removed: return "removed";
    case Phase::failed: return "failed";
    case Phase::skipped: return "skipped";
    case Phase::interrupted: return "interrupted";
  }
  return "?";
}

bool is_final(Phase phase) {
  switch (phase) {
    case Phase::up:
    case Phase::kept:
    case Phase::pushed:
    case Phase::stopped:
    case Phase::removed:
    case Phase::failed:
    case Phase::skipped:
    case Phase::interrupted:
      return true;
    default:
      return false;
  }
}

}  // namespace boss
