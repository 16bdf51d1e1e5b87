// Where one service is in an operation. A closed set: renderers switch over it, and the
// json output names it.
#pragma once

namespace boss {

enum class Phase {
  queued,       // in the plan, waiting for its dependencies (dependents, when stopping)
  pulling,      // its image is being pulled (ProgressEvents follow)
  building,     // its image is being built (ProgressEvents follow)
  hook,         // pre_start or post_start runs (ServiceEvent::hook names it)
  removing,     // an old container is stopped and removed before a new one is made
  creating,
  starting,
  waiting,      // started, waiting until it is ready (ping, or the settle time)
  up,           // ready: made or restarted by this operation
  kept,         // ready: it was running and unchanged, nothing was done
  stopping,
  pushing,      // its image is being pushed to its registry (ProgressEvents follow)
  pushed,       // push: its image is in its registry
  stopped,
  removed,
  failed,       // the reason says why; exit_code when its container exited
  skipped,      // never begun: a dependency failed (reason names it)
  interrupted,  // Ctrl-C: left as it was
};
const char* phase_name(Phase phase);
// up, kept, stopped, removed, failed, skipped, interrupted: nothing more will happen to
// the service in this operation.
bool is_final(Phase phase);

}  // namespace boss
