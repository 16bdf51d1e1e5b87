// Connections to a Docker engine on an ssh host, as the docker CLI makes them: each is
// `ssh HOST docker system dial-stdio`, whose stdin and stdout carry the engine's API.
//
// Contract:
//  - connections share master connections (ssh's ControlMaster): one ssh login serves
//    many API connections, so parallel work does not run into sshd's MaxStartups, and a
//    new connection costs a session on the master instead of a new handshake. A master
//    serves at most kSessionsPerMaster connections of this process (sshd's MaxSessions is
//    10 by default); more open further masters, one at a time. Masters outlive the
//    process by kMasterPersistSeconds (ControlPersist), so the next boss starts at once;
//    their sockets are in a folder of this user's only (/tmp/boss-ssh-<uid>, 0700), from
//    which the sockets of dead masters are removed when a master is started;
//  - ssh runs with BatchMode (keys or an agent, never a prompt), its own process group
//    (a terminal's Ctrl-C reaches boss, not its connections) and the user's ssh config;
//  - when the remote engine listens on a unix socket, that socket is forwarded to a local
//    one over the first master (`ssh -O forward -L local:remote`, see forwarded_socket()):
//    a connection is then a channel on the master, with no `docker system dial-stdio`
//    started on either side; the forward lives as long as its master, so the next boss
//    finds it and starts no ssh at all;
//  - a failure is one line naming the host and what ssh said: "ssh exited with status
//    255: Permission denied (publickey)"; thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace boss {

struct SshTarget {
  std::string user;  // "" = ssh's default
  std::string host;
  int port = 0;      // 0 = ssh's default
  std::string display;  // "ssh://me@host:2222", for messages
};

// How a connection's ssh ended.
struct SshExit {
  int status = 0;       // the exit status (128 + N when killed by signal N)
  std::string message;  // the last line it wrote to stderr
  // The master refused a new session (sshd's MaxSessions): nothing reached the engine.
  bool session_refused = false;
};

class SshDialer {
 public:
  static constexpr int kSessionsPerMaster = 8;
  static constexpr int kMasterPersistSeconds = 60;

  explicit SshDialer(SshTarget target);
  ~SshDialer();  // ends the connections' ssh processes (not the masters: they persist)
  SshDialer(const SshDialer&) = delete;
  SshDialer& operator=(const SshDialer&) = delete;

  struct Connection {
    int fd = -1;            // a unix stream socket, for connecting to anchor_path()
    std::uint64_t id = 0;   // for exit_of()
  };
  // A new connection: once its socket is connected to anchor_path(), the dialer's accept
  // thread hands the other end to `ssh ... docker system dial-stdio` as its stdin and
  // stdout (no bytes pass through boss). Throws EngineError("cannot reach the docker
  // engine at ssh://...: ...") when no master can be had.
  Connection dial();
  // The socket of a connection was closed by its user: its ssh ends and is reaped.
  void closed(int fd);
  // How connection `id`'s ssh ended, waiting up to `wait` for it; nullopt while it runs.
  std::optional<SshExit> exit_of(std::uint64_t id, std::chrono::milliseconds wait);
  // Connections of this dialer that a master refused: that master takes no more.
  void master_full(std::uint64_t id);

  // The remote engine's socket forwarded to a local unix socket over master 0, made on
  // first use (the remote engine's address is asked once, from the remote docker CLI's
  // current context, which honours the remote DOCKER_HOST and contexts as dial-stdio
  // does), and checked with a /_ping through it. "" when it cannot be had: the remote
  // engine is not on a unix socket, sshd refuses stream forwarding, no docker CLI there,
  // or BOSS_SSH_DIAL_STDIO=1; then dial() is the way. Throws as dial() when no master
  // can be had. Decided once per dialer.
  std::string forwarded_socket();

  const SshTarget& target() const { return m_target; }
  // The listening unix socket (in the control folder) that dial()'s sockets connect to.
  // (libcurl 7.88 connects a socket even when told it is connected already, so handing
  // it one end of a socket pair does not work.) Made on first use; throws as dial().
  std::string anchor_path();

 private:
  struct Process {
    int pid = -1;     // -1 until the accept thread started it
    int fd = -1;      // our end of its socket pair; -1 once closed
    int stderr_fd = -1;
    int master = 0;
    bool reaped = false;
    SshExit exit;
  };
  // ssh's arguments common to every invocation, with `control` as ControlPath.
  std::vector<std::string> base_args(const std::string& control) const;
  // <control dir>/<hash of user@host:port>: what every socket of this target is named from.
  std::string target_prefix() const;
  std::string control_path(int master) const;  // master `master`'s ControlPath
  std::string forward_path() const;            // the forwarded engine socket
  // Makes the forward of forwarded_socket(); "" when it cannot be had.
  std::string make_forward();
  // Starts master `index` unless it runs; throws EngineError when ssh fails.
  void ensure_master(int index);
  // The folder of control sockets, made 0700 if missing; throws EngineError unless it is
  // this user's only.
  void ensure_control_dir();
  // Removes the sockets in the control folder that nothing listens on any more (masters
  // and anchors of processes that were killed), older than a minute. On the slow path
  // only: when a master is started.
  void remove_dead_sockets() const;
  int pick_master();
  void reap(Process& process, bool block);
  std::string abstract_name(std::uint64_t id) const;
  void accept_loop();
  void reap_finished();

  SshTarget m_target;
  std::string m_control_dir;
  std::mutex m_mutex;
  std::mutex m_master_mutex;  // one master started at a time
  std::mutex m_forward_mutex;
  bool m_forward_decided = false;
  std::string m_forward;
  std::uint64_t m_next_id = 1;
  std::map<std::uint64_t, Process> m_processes;
  std::map<int, int> m_sessions;     // master index -> open connections
  std::map<int, int> m_limits;       // master index -> sessions it took before refusing
  std::string m_anchor;              // anchor_path(), once made
  int m_anchor_fd = -1;
  std::atomic<bool> m_stopping{false};
  std::thread m_acceptor;
};

// The ssh exit text's verdict: a refused session of a master ("open failed:
// administratively prohibited", "Session open refused by peer").
bool is_session_refusal(const std::string& stderr_text);
// The last non-empty line of `text`, trimmed.
std::string last_line(const std::string& text);

}  // namespace boss
