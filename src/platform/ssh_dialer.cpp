#include "platform/ssh_dialer.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include "core/config.h"  // fnv1a_hex
#include "core/errors.h"

extern char** environ;

namespace boss {

namespace {

// Starts argv with the given standard descriptors, in a process group of its own, with
// no other descriptor of ours and a default signal mask. Returns its pid, or -1 (errno).
int spawn(const std::vector<std::string>& args, int in, int out, int err) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed) {
    errno = failed;
    return -1;
  }
  return pid;
}

std::string read_all(int fd) {
  std::string text;
  if (fd < 0 || ::lseek(fd, 0, SEEK_SET) < 0) return text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
  return text;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}


// A unix socket path's connection, or -1.
int connect_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return -1;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool socket_answers(const std::string& path) {
  const int fd = connect_unix(path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// Whether a Docker engine answers GET /_ping at the socket `path` within `timeout`: a
// forward's local end always accepts, so only an answer shows the remote end is right.
bool engine_pings(const std::string& path, std::chrono::milliseconds timeout) {
  const int fd = connect_unix(path);
  if (fd < 0) return false;
  const std::string request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
  bool ok = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ok && answer.find("\r\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd waiting{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[256];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return answer.rfind("HTTP/1.", 0) == 0 && answer.find(" 200 ") != std::string::npos;
}

struct Finished {
  int status = -1;  // -1: did not run or did not end in time
  std::string out;
};

// Runs argv (stdin /dev/null), waiting up to `timeout`; its standard output.
Finished run_captured(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  Finished finished;
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int out = ::memfd_create("boss-ssh-out", MFD_CLOEXEC);
  if (null < 0 || out < 0) {
    if (null >= 0) ::close(null);
    if (out >= 0) ::close(out);
    return finished;
  }
  const int pid = spawn(args, null, out, null);
  ::close(null);
  if (pid >= 0) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      const int done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        finished.status = exit_status(status);
        break;
      }
      if ((done < 0 && errno != EINTR) || std::chrono::steady_clock::now() > deadline) {
        ::kill(-pid, SIGTERM);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    finished.out = read_all(out);
  }
  ::close(out);
  return finished;
}

}  // namespace

std::string last_line(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0) {
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) --end;
    const std::size_t begin = text.rfind('\n', end == 0 ? 0 : end - 1);
    const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
    std::string line = text.substr(from, end - from);
    if (!line.empty()) return line;
    if (begin == std::string::npos) break;
    end = begin;
  }
  return "";
}

bool is_session_refusal(const std::string& stderr_text) {
  return stderr_text.find("administratively prohibited") != std::string::npos ||
         stderr_text.find("Session open refused") != std::string::npos;
}

SshDialer::SshDialer(SshTarget target) : m_target(std::move(target)) {
  m_control_dir = "/tmp/boss-ssh-" + std::to_string(::geteuid());
}

SshDialer::~SshDialer() {
  if (m_anchor_fd >= 0) {
    m_stopping = true;
    ::shutdown(m_anchor_fd, SHUT_RDWR);  // wakes the accept thread
    if (m_acceptor.joinable()) m_acceptor.join();
    ::close(m_anchor_fd);
    ::unlink(m_anchor.c_str());
  }
  std::lock_guard lock(m_mutex);
  for (auto& [id, p] : m_processes)
    if (p.fd >= 0) ::close(std::exchange(p.fd, -1));
  // Their ends closed, the ssh processes end on their own; a little while, then SIGTERM.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (auto& [id, p] : m_processes) {
    if (p.pid < 0) continue;  // never accepted: no process
    while (!p.reaped && std::chrono::steady_clock::now() < deadline) {
      reap(p, false);
      if (!p.reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!p.reaped) {
      ::kill(-p.pid, SIGTERM);
      reap(p, true);
    }
  }
}

std::vector<std::string> SshDialer::base_args(const std::string& control) const {
  std::vector<std::string> args{"ssh", "-o", "BatchMode=yes", "-o", "ControlPath=" + control};
  if (!m_target.user.empty()) args.insert(args.end(), {"-l", m_target.user});
  if (m_target.port) args.insert(args.end(), {"-p", std::to_string(m_target.port)});
  return args;
}

std::string SshDialer::target_prefix() const {
  const std::string key = m_target.user + "@" + m_target.host + ":" + std::to_string(m_target.port);
  return m_control_dir + "/" + fnv1a_hex(key);
}

std::string SshDialer::control_path(int master) const { return target_prefix() + "-" + std::to_string(master); }

std::string SshDialer::forward_path() const { return target_prefix() + "-engine.sock"; }

std::string SshDialer::forwarded_socket() {
  std::lock_guard lock(m_forward_mutex);
  if (m_forward_decided) return m_forward;
  m_forward_decided = true;
  if (const char* stdio = std::getenv("BOSS_SSH_DIAL_STDIO"); stdio && std::string(stdio) == "1") return "";
  ensure_control_dir();
  const std::string path = forward_path();
  // A master of an earlier boss keeps it: no ssh to start at all.
  if (socket_answers(path)) return m_forward = path;
  ensure_master(0);
  return m_forward = make_forward();
}

std::string SshDialer::make_forward() {
  const std::string control = control_path(0);
  // The engine the remote docker CLI would talk to, as dial-stdio would find it.
  auto ask = base_args(control);
  ask.insert(ask.end(), {"-o", "ControlMaster=no", "-T", "--", m_target.host, "docker", "context", "inspect",
                         "--format", "'{{.Endpoints.docker.Host}}'"});
  const Finished asked = run_captured(ask, std::chrono::seconds(15));
  const std::string host = last_line(asked.out);
  const std::string scheme = "unix://";
  if (asked.status != 0 || host.rfind(scheme, 0) != 0 || host.size() == scheme.size()) return "";
  const std::string remote = host.substr(scheme.size());
  const std::string path = forward_path();
  ::unlink(path.c_str());
  auto forward = base_args(control);
  forward.insert(forward.end(), {"-O", "forward", "-L", path + ":" + remote, "--", m_target.host});
  if (run_captured(forward, std::chrono::seconds(15)).status != 0) return "";
  if (!engine_pings(path, std::chrono::seconds(10))) {
    auto cancel = base_args(control);
    cancel.insert(cancel.end(), {"-O", "cancel", "-L", path + ":" + remote, "--", m_target.host});
    run_captured(cancel, std::chrono::seconds(5));
    ::unlink(path.c_str());
    return "";
  }
  return path;
}

void SshDialer::ensure_master(int index) {
  const std::string path = control_path(index);
  std::lock_guard lock(m_master_mutex);
  if (socket_answers(path)) return;
  auto failure = [&](const std::string& what) {
    return EngineError("cannot reach the docker engine at " + m_target.display + ": " + what, 0);
  };
  ensure_control_dir();
  remove_dead_sockets();
  ::unlink(path.c_str());  // a socket a dead master left

  auto args = base_args(path);
  args.insert(args.end(), {"-o", "ControlMaster=yes", "-o", "ControlPersist=" + std::to_string(kMasterPersistSeconds),
                           "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", "StreamLocalBindUnlink=yes",
                           "-N", "-f", "--",
                           m_target.host});
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int err = ::memfd_create("boss-ssh-master", MFD_CLOEXEC);
  const int pid = spawn(args, null, null, err < 0 ? null : err);
  const int spawn_errno = errno;
  ::close(null);
  if (pid < 0) {
    if (err >= 0) ::close(err);
    throw failure(std::string("cannot run ssh: ") + std::strerror(spawn_errno));
  }
  // -f: ssh goes to the background once logged in; its first process exits then.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  for (;;) {
    const int done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGTERM);
      ::waitpid(pid, &status, 0);
      ::close(err);
      throw failure("ssh did not log in within 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string said = read_all(err);
  if (err >= 0) ::close(err);
  if (exit_status(status) != 0) {
    const std::string line = last_line(said);
    throw failure("ssh exited with status " + std::to_string(exit_status(status)) + (line.empty() ? "" : ": " + line));
  }
  for (int i = 0; i < 500 && !socket_answers(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (!socket_answers(path)) throw failure("ssh logged in but its control socket " + path + " does not answer");
}

void SshDialer::remove_dead_sockets() const {
  DIR* folder = ::opendir(m_control_dir.c_str());
  if (!folder) return;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  while (const dirent* entry = ::readdir(folder)) {
    const std::string path = m_control_dir + "/" + entry->d_name;
    struct stat info{};
    // Older than a minute: a socket being made right now (bound, not yet listening)
    // is never taken for a dead one.
    if (::lstat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode) || now - info.st_mtime < 60) continue;
    const int fd = connect_unix(path);
    if (fd >= 0)
      ::close(fd);
    else if (errno == ECONNREFUSED)
      ::unlink(path.c_str());
  }
  ::closedir(folder);
}

void SshDialer::ensure_control_dir() {
  auto failure = [&](const std::string& what) {
    return EngineError("cannot reach the docker engine at " + m_target.display + ": " + what, 0);
  };
  // A folder only this user can enter: ssh's control sockets grant the login to anyone
  // who can connect to them.
  if (::mkdir(m_control_dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw failure("cannot make " + m_control_dir + ": " + std::strerror(errno));
  struct stat info{};
  if (::lstat(m_control_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() ||
      (info.st_mode & 077) != 0)
    throw failure(m_control_dir + " is not a folder of this user's only (mode 0700)");
}

std::string SshDialer::anchor_path() {
  std::lock_guard lock(m_master_mutex);
  if (!m_anchor.empty()) return m_anchor;
  ensure_control_dir();
  const std::string path = m_control_dir + "/anchor-" + std::to_string(::getpid()) + "-" +
                           std::to_string(reinterpret_cast<std::uintptr_t>(this) % 1000000);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), std::min(path.size() + 1, sizeof address.sun_path - 1));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw EngineError("cannot reach the docker engine at " + m_target.display + ": cannot listen on " + path + ": " +
                          std::strerror(error),
                      0);
  }
  m_anchor_fd = fd;
  m_anchor = path;
  m_acceptor = std::thread([this] { accept_loop(); });
  return m_anchor;
}

int SshDialer::pick_master() {
  std::lock_guard lock(m_mutex);
  for (int index = 0;; ++index) {
    const auto limit = m_limits.find(index);
    if (m_sessions[index] < (limit == m_limits.end() ? kSessionsPerMaster : limit->second)) {
      ++m_sessions[index];
      return index;
    }
  }
}

SshDialer::Connection SshDialer::dial() {
  {
    std::lock_guard lock(m_mutex);
    reap_finished();
  }
  anchor_path();  // listening, with its accept thread
  const int master = pick_master();
  auto give_back = [&] {
    std::lock_guard lock(m_mutex);
    --m_sessions[master];
  };
  try {
    ensure_master(master);
  } catch (...) {
    give_back();
    throw;
  }
  auto failure = [&](const std::string& what) {
    give_back();
    return EngineError("cannot reach the docker engine at " + m_target.display + ": " + what + ": " +
                           std::strerror(errno),
                       0);
  };
  // The socket curl connects to the anchor; its abstract name tells the accept thread
  // which connection it is.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw failure("socket");
  std::uint64_t id = 0;
  {
    std::lock_guard lock(m_mutex);
    id = m_next_id++;
  }
  const std::string name = abstract_name(id);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address),
             static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())) != 0) {
    ::close(fd);
    throw failure("bind");
  }
  std::lock_guard lock(m_mutex);
  Process process;
  process.fd = fd;
  process.master = master;
  m_processes.emplace(id, process);
  return {fd, id};
}

std::string SshDialer::abstract_name(std::uint64_t id) const {
  return "boss-ssh-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) +
         "-" + std::to_string(id);
}

void SshDialer::accept_loop() {
  const std::string prefix = abstract_name(0);
  const std::string stem = prefix.substr(0, prefix.size() - 1);  // without the "0"
  for (;;) {
    const int connection = ::accept4(m_anchor_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listening socket was shut down: the dialer goes
    }
    if (m_stopping) {
      ::close(connection);
      return;
    }
    sockaddr_un peer{};
    socklen_t length = sizeof peer;
    std::uint64_t id = 0;
    if (::getpeername(connection, reinterpret_cast<sockaddr*>(&peer), &length) == 0 &&
        length > offsetof(sockaddr_un, sun_path) + 1 && peer.sun_path[0] == '\0') {
      const std::string name(peer.sun_path + 1, length - offsetof(sockaddr_un, sun_path) - 1);
      if (name.rfind(stem, 0) == 0) id = std::strtoull(name.c_str() + stem.size(), nullptr, 10);
    }
    std::unique_lock lock(m_mutex);
    const auto it = m_processes.find(id);
    if (id == 0 || it == m_processes.end()) {  // not one of ours
      lock.unlock();
      ::close(connection);
      continue;
    }
    Process& process = it->second;
    auto args = base_args(control_path(process.master));
    args.insert(args.end(), {"-o", "ControlMaster=no", "-T", "--", m_target.host, "docker", "system", "dial-stdio"});
    process.stderr_fd = ::memfd_create("boss-ssh", MFD_CLOEXEC);
    process.pid = spawn(args, connection, connection, process.stderr_fd < 0 ? connection : process.stderr_fd);
    if (process.pid < 0) {
      process.reaped = true;
      process.exit.status = 127;
      process.exit.message = std::string("cannot run ssh: ") + std::strerror(errno);
    }
    lock.unlock();
    ::close(connection);  // ssh has it now
  }
}

void SshDialer::closed(int fd) {
  std::lock_guard lock(m_mutex);
  for (auto& [id, p] : m_processes) {
    if (p.fd != fd) continue;
    ::close(fd);
    p.fd = -1;
    --m_sessions[p.master];
    break;
  }
  reap_finished();
}

void SshDialer::reap(Process& p, bool block) {
  if (p.reaped || p.pid < 0) return;
  int status = 0;
  const int done = ::waitpid(p.pid, &status, block ? 0 : WNOHANG);
  if (done == 0) return;
  p.reaped = true;
  p.exit.status = done == p.pid ? exit_status(status) : 1;
  const std::string said = read_all(p.stderr_fd);
  if (p.stderr_fd >= 0) ::close(std::exchange(p.stderr_fd, -1));
  p.exit.message = last_line(said);
  p.exit.session_refused = is_session_refusal(said);
}

void SshDialer::reap_finished() {
  for (auto it = m_processes.begin(); it != m_processes.end();) {
    reap(it->second, false);
    // Closed and ended: nobody asks about it any more (exit_of comes right after a failure).
    if (it->second.reaped && it->second.fd < 0 && it->second.exit.status == 0)
      it = m_processes.erase(it);
    else
      ++it;
  }
}

std::optional<SshExit> SshDialer::exit_of(std::uint64_t id, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      const auto it = m_processes.find(id);
      if (it == m_processes.end()) return SshExit{};  // ended well, and was forgotten
      reap(it->second, false);
      if (it->second.reaped) return it->second.exit;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void SshDialer::master_full(std::uint64_t id) {
  std::lock_guard lock(m_mutex);
  const auto it = m_processes.find(id);
  if (it == m_processes.end()) return;
  const int master = it->second.master;
  // It took what it has open now (others' sessions share it): no more of ours.
  m_limits[master] = std::max(0, m_sessions[master]);
}

}  // namespace boss
