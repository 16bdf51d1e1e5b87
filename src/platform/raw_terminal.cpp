#include "platform/raw_terminal.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/errors.h"

namespace boss {

namespace {

// One terminal at a time is raw: the one of the process's session.
termios g_saved{};
int g_fd = -1;
std::atomic<bool> g_raw{false};

}  // namespace

RawTerminal::RawTerminal(int fd) {
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0)
    throw FatalError(std::string("cannot read the terminal's settings: ") + std::strerror(errno));
  g_saved = settings;
  g_fd = fd;
  ::cfmakeraw(&settings);
  // Output passes as it comes: the container's TTY already turns "\n" into "\r\n".
  if (::tcsetattr(fd, TCSADRAIN, &settings) != 0)
    throw FatalError(std::string("cannot put the terminal in raw mode: ") + std::strerror(errno));
  g_raw = true;
}

RawTerminal::~RawTerminal() { restore_raw_terminal(); }

void restore_raw_terminal() {
  if (g_raw.exchange(false)) ::tcsetattr(g_fd, TCSADRAIN, &g_saved);
}

std::optional<WindowSize> window_size(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return std::nullopt;
  return WindowSize{size.ws_row, size.ws_col};
}

}  // namespace boss
