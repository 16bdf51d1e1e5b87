// boss watch [SERVICE...]: brings the services up as `boss start` does, then acts on
// saved files until Ctrl-C (which leaves the services running, as compose watch does).
//
// Watched: each watched service's build_from_directory (folders its .dockerignore
// excludes are not even watched), each of its sync rules' paths, and the services file.
// The watched services are those a start of the same names starts (their dependencies
// included). Changes are gathered until 50 ms pass without one (an editor's save, a
// checkout), then core/watch_changes.h decides and this acts, one batch at a time:
//  - sync: copies into the running containers (cli/watch_sync.h), then restarts the
//    service when its rule says `restart = true`;
//  - rebuild: Runtime::reload of those services: the image is built first (a failed
//    build changes nothing and says why), then the service is replaced and exactly its
//    dependents restarted;
//  - the services file: read again and checked; a broken one is reported and the running
//    definition kept; a sound one ends the command with kWatchReread, and the CLI runs
//    itself again (same arguments), whose start re-plans and recreates what changed.
// Every step is reported as a WatchEvent before the operation it begins.
#pragma once

#include <functional>

#include "cli/command_line.h"
#include "core/cancel.h"
#include "core/engine.h"
#include "core/runtime.h"

namespace boss {

// What watch_command returns when the services file changed and reads well.
constexpr int kWatchReread = -1;

// `check_file` reads the services file anew and throws DefinitionError (one line) when
// it is broken. Returns 0 after Ctrl-C between operations, 130 when one was
// interrupted, kWatchReread, or throws FatalError when a folder cannot be watched.
int watch_command(const Options& opt, const StartRequest& start, Runtime& runtime, Engine& engine,
                  EventSink& events, const std::function<void()>& check_file, const Cancel& cancel);

}  // namespace boss
