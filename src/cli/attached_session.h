// How boss exec and boss run connect the local terminal to a process in a container.
// With a terminal on stdin and stdout (and no -T): a TTY in the container, the local
// terminal raw for the session (restored on every way out), its size passed at the start
// and on every change. Otherwise plain streams: stdout and stderr apart, stdin forwarded
// and closed at its end.
#pragma once

#include <functional>

#include "core/cancel.h"
#include "core/engine.h"

namespace boss {

struct SessionMode {
  bool tty = false;
  bool forward_stdin = false;  // stdin is open (a terminal, pipe or file)
};

// What the session will be, from the descriptors 0 and 1 and -T.
SessionMode session_mode(bool no_tty);

// Tells the process's TTY its size (rows, columns).
using ResizeFn = std::function<void(int rows, int columns)>;

// Runs the session until the process's output ends. Throws Interrupted on Ctrl-C (plain
// streams; with a TTY Ctrl-C is a byte for the process) or a signal.
void run_session(AttachedStreams& streams, const SessionMode& mode, const ResizeFn& resize, const Cancel& cancel);

}  // namespace boss
