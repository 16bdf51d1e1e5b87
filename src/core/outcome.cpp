#include "core/outcome.h"

namespace boss {

bool CommandResult::any_failed() const {
  if (!error.empty()) return true;
  for (const auto& o : outcomes)
    if (o.status == Phase::failed || o.status == Phase::skipped) return true;
  return false;
}

int CommandResult::exit_code() const {
  if (interrupted) return 130;
  return any_failed() ? 1 : 0;
}

}  // namespace boss
