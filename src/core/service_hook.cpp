#include "core/service_hook.h"

#include "core/errors.h"
#include "core/service_failure.h"

namespace boss {

bool run_service_hook(Operation& op, const ServiceSpec& spec, Hook hook, const std::string& container_id,
                      int instance, ServiceProgress& progress, std::optional<int> exit_code) {
  progress.hook(hook_name(hook));
  const auto result = op.hooks.call(spec.name, hook, container_id, std::chrono::steady_clock::time_point::max(),
                                    op.cancel, instance, exit_code);
  op.save_context();
  switch (result.status) {
    case HookResult::Status::ok: return result.value;
    case HookResult::Status::cancelled: throw Interrupted("interrupted");
    case HookResult::Status::timed_out:
      throw ServiceFailure{std::string(hook_name(hook)) + " timed out", container_id, {}};
    case HookResult::Status::error:
      if (!result.traceback.empty()) op.trace(result.traceback);
      throw ServiceFailure{std::string(hook_name(hook)) + " failed: " + first_line(result.error), container_id, {}};
  }
  return false;
}

}  // namespace boss
