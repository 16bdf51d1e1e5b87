// Running one of a service's own hooks as a step of its work (pre_pull, did_run,
// pre_start, post_start, post_run): the one place that turns a HookResult into the
// service's failure, so every hook fails in the same words.
#pragma once

#include <optional>
#include <string>

#include "core/operation.h"
#include "core/service_progress.h"

namespace boss {

// Reports the hook (Phase::hook), runs it on `container_id` without a deadline, and saves
// the context it may have changed. `exit_code`: post_run's argument. Returns what the
// hook returned, as a truth value. Throws Interrupted (Ctrl-C) or ServiceFailure
// ("post_run failed: services.lua:9: boom", "pre_start timed out"), the Lua traceback
// going out as a trace (-v).
bool run_service_hook(Operation& op, const ServiceSpec& spec, Hook hook, const std::string& container_id,
                      int instance, ServiceProgress& progress, std::optional<int> exit_code = std::nullopt);

}  // namespace boss
