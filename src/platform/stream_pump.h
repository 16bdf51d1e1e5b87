// Connects a process's attached streams to local file descriptors until its output ends:
// what `in_fd` reads goes to the process's stdin (and the end of it closes that stdin,
// output going on: `echo hi | boss exec -T db cat` prints hi), its stdout and stderr go
// to `out_fd` and `err_fd`. Used by boss exec and boss run, with or without a TTY.
#pragma once

#include <functional>

#include "core/cancel.h"
#include "core/engine.h"

namespace boss {

struct PumpOptions {
  int in_fd = -1;  // -1: nothing is sent; the process's stdin is left alone
  int out_fd = 1;
  int err_fd = 2;
  // Set: called at the start and whenever the terminal's size changes (SIGWINCH), on the
  // pumping thread.
  std::function<void()> on_window_change;
};

// Returns when the process's output has ended. Throws Interrupted within
// Cancel::kPollSlice of `cancel` being requested, EngineError when the connection fails.
void pump_streams(AttachedStreams& streams, const PumpOptions& options, const Cancel& cancel);

}  // namespace boss
