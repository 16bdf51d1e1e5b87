// The local terminal in raw mode for an interactive session (boss exec/run with a TTY):
// every key, Ctrl-C and Ctrl-Z included, is a byte for the process in the container, and
// nothing is echoed locally. The terminal's settings come back when the RawTerminal goes,
// and on the exit paths that skip destructors (a second Ctrl-C exits at once): those
// call restore_raw_terminal().
#pragma once

#include <optional>

namespace boss {

class RawTerminal {
 public:
  // Switches `fd` (a terminal) to raw mode; throws FatalError when it cannot.
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
};

// Puts back the settings of the terminal a RawTerminal holds, if one does. Only
// tcsetattr: callable from a signal watcher right before _exit.
void restore_raw_terminal();

struct WindowSize {
  int rows = 0;
  int columns = 0;
};
// The size of the terminal `fd` is, or nullopt when it is not one.
std::optional<WindowSize> window_size(int fd);

}  // namespace boss
