#include "platform/host_helpers.h"

#include "platform/libcurl_api.h"

#include "core/cancel.h"
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

extern char** environ;

namespace boss {
namespace {

int timeout_ms(double seconds) {
  if (!(seconds > 0)) return 0;
  if (seconds > 86400) seconds = 86400;
  return static_cast<int>(std::ceil(seconds * 1000));
}

// Non-blocking connect to one address; true if it completes before `deadline`.
bool try_connect(const addrinfo* ai, std::chrono::steady_clock::time_point deadline) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return false;
  bool ok = false;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now()).count();
      if (left < 0) left = 0;
      int n = poll(&p, 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
      }
      break;
    }
  }
  close(fd);
  return ok;
}

}  // namespace

bool tcp_open(const std::string& host, int port, double timeout_seconds) {
  if (port <= 0 || port > 65535) return false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms(timeout_seconds));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list) != 0) return false;
  bool ok = false;
  for (const addrinfo* ai = list; ai && !ok; ai = ai->ai_next) ok = try_connect(ai, deadline);
  freeaddrinfo(list);
  return ok;
}

HttpGetResult http_get(const std::string& url, double timeout_seconds, const Cancel& cancel) {
  HttpGetResult response;
  CURL* curl = libcurl().easy_init();
  if (!curl) return response;
  auto append = +[](char* data, size_t size, size_t count, void* out) -> size_t {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  };
  libcurl().easy_setopt(curl, CURLOPT_URL, url.c_str());
  libcurl().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // called from worker threads
  libcurl().easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms(timeout_seconds)));
  libcurl().easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  libcurl().easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  // Asked often enough while data moves, and about once a second otherwise: a given-up
  // check ends within a second, or at its own timeout.
  auto progress = +[](void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
    return static_cast<const Cancel*>(data)->requested() ? 1 : 0;
  };
  libcurl().easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
  libcurl().easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<Cancel*>(&cancel));
  libcurl().easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (libcurl().easy_perform(curl) == CURLE_OK) {
    long code = 0;
    libcurl().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    response.status = static_cast<int>(code);
  } else {
    response.body.clear();
  }
  libcurl().easy_cleanup(curl);
  return response;
}

HostCommandResult run_command(const std::vector<std::string>& argv, const Cancel& cancel) {
  HostCommandResult result;
  if (argv.empty()) {
    result.exit_code = 127;
    result.output = "boss.run: empty command";
    return result;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.exit_code = 127;
    result.output = std::string("boss.run: pipe: ") + std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so it can be stopped with its children
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int err = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    result.exit_code = 127;
    result.output = "boss.run: cannot run '" + argv[0] + "': " + std::strerror(err);
    return result;
  }
  char buffer[4096];
  // Read until the output closes, looking at `cancel` between reads; once it is
  // requested, stop the group and keep reading (what it prints as it goes is kept).
  auto killed_at = std::chrono::steady_clock::time_point::max();
  bool term_sent = false;
  for (;;) {
    if (!term_sent && cancel.requested()) {
      kill(-pid, SIGTERM);
      term_sent = true;
      killed_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    if (term_sent && std::chrono::steady_clock::now() >= killed_at) {
      kill(-pid, SIGKILL);
      killed_at = std::chrono::steady_clock::time_point::max();
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(Cancel::kPollSlice.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  close(fds[0]);
  // A child that closed its output but goes on running is waited for the same way: a
  // given-up hook stops it.
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (cancel.requested()) kill(-pid, SIGKILL);
    cancel.sleep_for(Cancel::kPollSlice);
    if (cancel.requested()) std::this_thread::sleep_for(Cancel::kPollSlice);
  }
  if (cancel.requested()) kill(-pid, SIGKILL);  // what the group left running
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace boss
