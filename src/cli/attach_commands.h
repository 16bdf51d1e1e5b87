// boss exec and boss run: a process in a container with the local terminal attached.
// Both return the process's exit code (the command's own), which is boss's.
#pragma once

#include <functional>

#include "cli/command_line.h"
#include "core/cancel.h"
#include "core/context_store.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/runtime.h"

namespace boss {

// Runs opt.argv in the running container of opt.services[0] (exec_target.h's errors).
int exec_command(const Options& opt, const Project& project, Engine& engine, const Cancel& cancel);

// Starts the service's dependencies through `runtime` (unless --no-deps; a failed start
// is its exit code), ends the progress display (`end_progress`), then runs the one-off.
// Ctrl-C with plain streams removes it and exits 130.
int run_command(const Options& opt, Runtime& runtime, Engine& engine, ContextStore& context, EventSink& events,
                const std::function<void()>& end_progress, const Cancel& cancel);

}  // namespace boss
