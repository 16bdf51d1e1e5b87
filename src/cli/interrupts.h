// Ctrl-C handling. SIGINT/SIGTERM are blocked in every thread (block_signals() runs first
// in main, before any thread exists) and received by one watcher thread with sigwait, so
// no code ever runs inside a signal handler. The first signal asks the command to begin
// no new work; a second one exits at once with 130.
#pragma once

#include <atomic>
#include <functional>

namespace boss {

void block_signals();
// Starts the watcher (detached). `on_first` runs on the watcher thread.
void watch_interrupts(std::atomic<bool>& cancel, std::function<void()> on_first);

}  // namespace boss
