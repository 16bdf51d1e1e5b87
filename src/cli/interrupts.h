// Ctrl-C handling. SIGINT/SIGTERM are blocked in every thread (block_signals() runs first
// in main, before any thread exists) and received by one watcher thread with sigwait, so
// no code ever runs inside a signal handler. The first signal requests `cancel` (what
// runs stops beginning new work and winds down); a second one exits at once with 130.
#pragma once

#include <functional>

#include "core/cancel.h"

namespace boss {

void block_signals();
// Starts the watcher (detached); `cancel` must live until the process ends. `on_first`
// runs on the watcher thread.
void watch_interrupts(Cancel& cancel, std::function<void()> on_first);

}  // namespace boss
