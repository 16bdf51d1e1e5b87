// boss launch: one container of a template (core/launch.h), as boss proxy's
// POST /_boss/launch makes it, from the command line.
#pragma once

#include "cli/command_line.h"
#include "core/runtime.h"

namespace boss {

// Launches template opt.services[0] (--name, --input FILE or - for stdin, --timeout) on
// `runtime`'s project and prints the launched container's name unless `json` (its events
// say it). A bad input, template or name: DefinitionError (one line, exit 2); a failed
// start: LaunchError (exit 1).
int launch_command(const Options& opt, Runtime& runtime, bool json);

}  // namespace boss
