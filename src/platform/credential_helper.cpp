#include "platform/credential_helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/errors.h"

extern char** environ;

namespace boss {
namespace {

// Writes `text` to a pipe whose reader may already have exited (a helper that fails at
// once): EPIPE then, and its status says why. SIGPIPE, which would end the whole process,
// is blocked on this thread for the write and a pending one taken back before unblocking.
void write_ignoring_sigpipe(int fd, const std::string& text) {
  sigset_t pipe_only, previous;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  const bool was_blocked = sigismember(&previous, SIGPIPE) == 1;
  if (::write(fd, text.data(), text.size()) < 0 && errno == EPIPE && !was_blocked) {
    const timespec now{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &now) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw EngineError("credential helper: cannot make a pipe");
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() {
    close_end(0);
    close_end(1);
  }
};

struct HelperRun {
  int exit_code = -1;  // -1: it did not exit in time (killed)
  std::string out;
  std::string err;
};

HelperRun run_helper(const std::string& program, const std::string& input, std::chrono::milliseconds limit) {
  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  // boss blocks SIGINT and friends in every thread: the helper must not inherit that.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, program.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned == ENOENT) throw EngineError("credential helper " + program + " is not on PATH");
  if (spawned != 0) throw EngineError("credential helper " + program + " could not be started");
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  // The address is a line; a pipe buffer holds it whole, so this write never waits.
  write_ignoring_sigpipe(in.fd[1], input);
  in.close_end(1);

  HelperRun run;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_streams = 2;
  while (open_streams > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(fds, 2, static_cast<int>(left.count())) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return run;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string first_line_of(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

std::optional<RegistryAuth> parse_helper_answer(const std::string& stdout_text) {
  const auto answer = nlohmann::json::parse(stdout_text, nullptr, false);
  if (!answer.is_object()) return std::nullopt;
  const auto text = [&](const char* key) {
    const auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string username = text("Username");
  const std::string secret = text("Secret");
  if (username.empty() && secret.empty()) return std::nullopt;
  if (username == "<token>") return RegistryAuth{"", "", secret};
  return RegistryAuth{username, secret, ""};
}

std::optional<RegistryAuth> credentials_from_helper(const std::string& name, const std::string& server,
                                                    std::chrono::milliseconds limit) {
  const std::string program = "docker-credential-" + name;
  const HelperRun run = run_helper(program, server + "\n", limit);
  const std::string what = "credential helper " + program + " for " + server;
  if (run.exit_code < 0) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(limit.count()) / 1000);
    throw EngineError(what + ": no answer within " + seconds + " s");
  }
  if (run.exit_code != 0) {
    // The protocol's way to say "none": the message on stdout, a failing exit.
    if (run.out.find("credentials not found") != std::string::npos) return std::nullopt;
    const std::string said = first_line_of(run.err.empty() ? run.out : run.err);
    throw EngineError(what + " failed (exit " + std::to_string(run.exit_code) + ")" + (said.empty() ? "" : ": " + said));
  }
  if (!nlohmann::json::parse(run.out, nullptr, false).is_object())
    throw EngineError(what + ": its answer is not the JSON object the docker credential protocol defines");
  return parse_helper_answer(run.out);
}

}  // namespace boss
