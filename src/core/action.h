// What an operation does to one service, decided before anything is touched.
#pragma once

namespace boss {

enum class ActionKind {
  none,       // nothing to do (stop: no container, or not running)
  keep,       // running and unchanged: left alone
  start,      // stopped and unchanged: started again (and pinged), no pre_start/post_start
  create,     // no container: a new one, with all hooks
  recreate,   // changed (or forced): the old container goes, a new one comes, all hooks
  undecided,  // start: a {key} is filled only by a hook that runs first; decided then
  stop,       // stop its running containers
  remove,     // stop and remove its containers
  push,       // push its image to its registry (building it first when missing)
  restart,    // restart: its running container is stopped (pre_stop first) and started again, pinged
  update,     // deploy: its Swarm service is changed in place (with its version); the swarm rolls its tasks over
};
const char* action_name(ActionKind kind);

}  // namespace boss
