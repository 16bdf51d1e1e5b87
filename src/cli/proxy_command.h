// boss proxy: the HTTP front door (src/proxy/) in the foreground, until Ctrl-C (exit 0).
#pragma once

#include "cli/command_line.h"
#include "core/cancel.h"
#include "core/engine.h"
#include "core/project.h"

namespace boss {

// Serves `project`'s http services on --listen; one line per request on stdout.
int proxy_command(const Options& opt, const Project& project, Engine& engine, const Cancel& cancel);

}  // namespace boss
