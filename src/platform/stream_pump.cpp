#include "platform/stream_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <string>

#include "core/errors.h"

namespace boss {

namespace {

// SIGWINCH reaches the pump through a pipe: the handler only writes a byte.
std::atomic<int> g_winch_fd{-1};

void on_winch(int) {
  const int saved = errno;
  const int fd = g_winch_fd.load();
  const char byte = 1;
  if (fd >= 0 && ::write(fd, &byte, 1) < 0) {
    // A full pipe already says the size changed.
  }
  errno = saved;
}

// Installs the SIGWINCH handler for the pump's lifetime.
class WindowWatch {
 public:
  WindowWatch() {
    if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
      throw FatalError(std::string("pipe: ") + std::strerror(errno));
    g_winch_fd = m_pipe[1];
    struct sigaction action {};
    action.sa_handler = &on_winch;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGWINCH, &action, &m_previous);
  }
  ~WindowWatch() {
    ::sigaction(SIGWINCH, &m_previous, nullptr);
    g_winch_fd = -1;
    ::close(m_pipe[0]);
    ::close(m_pipe[1]);
  }
  WindowWatch(const WindowWatch&) = delete;
  WindowWatch& operator=(const WindowWatch&) = delete;
  int fd() const { return m_pipe[0]; }
  void drain() const {
    char buffer[64];
    while (::read(m_pipe[0], buffer, sizeof buffer) > 0) {
    }
  }

 private:
  int m_pipe[2] = {-1, -1};
  struct sigaction m_previous {};
};

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(written));
    } else if (errno == EAGAIN) {
      pollfd writable{fd, POLLOUT, 0};
      ::poll(&writable, 1, -1);
    } else if (errno != EINTR) {
      return;  // the reader went (a closed pipe): the output has nowhere to go
    }
  }
}

}  // namespace

void pump_streams(AttachedStreams& streams, const PumpOptions& options, const Cancel& cancel) {
  std::optional<WindowWatch> window;
  if (options.on_window_change) {
    window.emplace();
    options.on_window_change();
  }
  const AttachedStreams::OutputFn output = [&](LogLine::Stream stream, std::string_view bytes) {
    write_all(stream == LogLine::Stream::err ? options.err_fd : options.out_fd, bytes);
  };
  bool input_open = options.in_fd >= 0;
  char buffer[16384];
  for (;;) {
    if (cancel.requested()) throw Interrupted("interrupted");
    pollfd fds[3];
    nfds_t count = 0;
    fds[count++] = {streams.fd(), POLLIN, 0};
    const nfds_t input_at = input_open ? count : 99;
    if (input_open) fds[count++] = {options.in_fd, POLLIN, 0};
    const nfds_t window_at = window ? count : 99;
    if (window) fds[count++] = {window->fd(), POLLIN, 0};
    const int ready = ::poll(fds, count, static_cast<int>(Cancel::kPollSlice.count()));
    if (ready < 0 && errno != EINTR) throw FatalError(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    if (window_at != 99 && fds[window_at].revents) {
      window->drain();
      options.on_window_change();
    }
    if (input_at != 99 && fds[input_at].revents) {
      const ssize_t got = (fds[input_at].revents & POLLNVAL) ? 0 : ::read(options.in_fd, buffer, sizeof buffer);
      if (got > 0) {
        try {
          streams.write(std::string_view(buffer, static_cast<std::size_t>(got)));
        } catch (const EngineError&) {
          input_open = false;  // the process stopped reading (it may have exited): its output says
        }
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        input_open = false;
        streams.close_stdin();
      }
    }
    if (fds[0].revents && !streams.read(output)) return;
  }
}

}  // namespace boss
