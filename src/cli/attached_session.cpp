#include "cli/attached_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "core/errors.h"
#include "platform/raw_terminal.h"
#include "platform/stream_pump.h"

namespace boss {

SessionMode session_mode(bool no_tty) {
  SessionMode mode;
  mode.tty = !no_tty && ::isatty(0) && ::isatty(1);
  mode.forward_stdin = ::fcntl(0, F_GETFD) != -1;
  return mode;
}

void run_session(AttachedStreams& streams, const SessionMode& mode, const ResizeFn& resize, const Cancel& cancel) {
  PumpOptions options;
  options.in_fd = mode.forward_stdin ? 0 : -1;
  std::optional<RawTerminal> raw;
  if (mode.tty) {
    raw.emplace(0);
    options.on_window_change = [&] {
      const auto size = window_size(1);
      if (!size) return;
      // The engine refuses a resize until the process has its TTY: the first one may
      // come a moment early.
      for (int attempt = 0;; ++attempt) {
        try {
          resize(size->rows, size->columns);
          return;
        } catch (const EngineError&) {
          if (attempt == 20) return;  // the session goes on at the default size
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    };
  }
  pump_streams(streams, options, cancel);
}

}  // namespace boss
