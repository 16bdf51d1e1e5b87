// Blocking host-side helpers behind boss.tcp_open, boss.http_get and boss.run.
// Plain C++ with no Lua: every function may be called from any thread, concurrently,
// and never throws for an unreachable host or a failing command (the result says so).
#pragma once

#include <string>
#include <vector>

namespace boss {
class Cancel;
}

namespace boss {

// True if a TCP connection to host:port succeeds within `timeout_seconds`.
bool tcp_open(const std::string& host, int port, double timeout_seconds);

struct HttpGetResult {
  int status = 0;  // 0 when no HTTP response was received (no connection, timeout, bad URL)
  std::string body;
};
// A plain GET (redirects not followed) that gives up after `timeout_seconds`, or when
// `cancel` is requested.
HttpGetResult http_get(const std::string& url, double timeout_seconds, const Cancel& cancel);

struct HostCommandResult {
  int exit_code = 0;   // 128 + signal number when killed; 127 when it could not be started
  std::string output;  // stdout and stderr interleaved
};
// Runs argv[0] (looked up in PATH) with argv, without a shell, stdin from /dev/null,
// in a process group of its own. The child gets a default signal mask and default
// dispositions for the usual signals, whatever the calling thread has blocked. Once
// `cancel` is requested the whole group gets SIGTERM, and SIGKILL a second later: a
// hook boss gave up on leaves no process behind.
HostCommandResult run_command(const std::vector<std::string>& argv, const Cancel& cancel);

}  // namespace boss
