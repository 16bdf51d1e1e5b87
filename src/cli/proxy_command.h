// boss proxy: the HTTP front door (src/proxy/) in the foreground, until Ctrl-C (exit 0).
#pragma once

#include "cli/command_line.h"
#include "core/cancel.h"
#include "core/engine.h"
#include "core/runtime.h"
#include "core/tee_sink.h"

namespace boss {

// Serves `runtime`'s project's http services on --listen; one line per request on
// stdout. On-demand services are started through `runtime` (Runtime::start, as `boss
// start NAME` would), whose events reach `runtime_events`: the starter reads them there.
int proxy_command(const Options& opt, Runtime& runtime, Engine& engine, TeeSink& runtime_events, const Cancel& cancel);

}  // namespace boss
