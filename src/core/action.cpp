#include "core/action.h"

namespace boss {

const char* action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::none: return "none";
    case ActionKind::keep: return "keep";
    case ActionKind::start: return "start";
    case ActionKind::create: return "create";
    case ActionKind::recreate: return "recreate";
    case ActionKind::undecided: return "decide at start";
    case ActionKind::stop: return "stop";
    case ActionKind::remove: return "remove";
    case ActionKind::push: return "push";
    case ActionKind::restart: return "restart";
    case ActionKind::update: return "update";
  }
  return "?";
}

}  // namespace boss
