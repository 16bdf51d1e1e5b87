// Events as JSON objects, one per line of `--progress json`. The schema is documented in
// README.md ("Machine-readable output: --progress json"); keep the two in step.
#pragma once

#include "core/events.h"
#include "ui/json_fields.h"

namespace boss {

// {"v": 1, "time": ..., "type": ..., ...fields of the event}. Types: operation, service,
// progress, still_waiting, hook_output, warning, trace, summary.
Json event_json(const Event& event);

}  // namespace boss
