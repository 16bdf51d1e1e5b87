#include "platform/ssh_dialer.h"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/config.h"  // fnv1a_hex
#include "core/errors.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

// An `ssh` first in PATH that plays both parts: with -N it is a master (it answers on
// its ControlPath from the background, or fails as FAKE_SSH_MASTER says); otherwise a
// session that echoes its stdin, or fails as FAKE_SSH_SESSION says.
const char* kFakeSsh = R"(#!/usr/bin/env python3
import os, socket, sys
args = sys.argv[1:]
control = next(a.split("=", 1)[1] for i, a in enumerate(args) if a.startswith("ControlPath="))
if "-N" in args:
    if os.environ.get("FAKE_SSH_MASTER"):
        sys.stderr.write("debug1: trying\n" + os.environ["FAKE_SSH_MASTER"] + "\n")
        sys.exit(255)
    if os.fork():
        sys.exit(0)
    os.setsid()
    s = socket.socket(socket.AF_UNIX)
    s.bind(control)
    s.listen(8)
    with open(os.environ["FAKE_SSH_LOG"], "a") as log:
        log.write("master\n")
    s.settimeout(30)
    try:
        while True:
            s.accept()[0].close()
    except Exception:
        pass
    sys.exit(0)
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write("session " + " ".join(args[args.index("--") + 1:]) + "\n")
if os.environ.get("FAKE_SSH_SESSION"):
    sys.stderr.write(os.environ["FAKE_SSH_SESSION"] + "\n")
    sys.exit(255)
while True:
    data = os.read(0, 4096)
    if not data:
        break
    os.write(1, data)
)";

struct FakeSsh {
  fs::path dir;
  std::string old_path;
  FakeSsh() {
    std::random_device random;
    dir = fs::temp_directory_path() / ("boss-fakessh-" + std::to_string(random()));
    fs::create_directories(dir);
    std::ofstream(dir / "ssh") << kFakeSsh;
    fs::permissions(dir / "ssh", fs::perms::owner_all);
    old_path = std::getenv("PATH");
    setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
    setenv("FAKE_SSH_LOG", (dir / "log").c_str(), 1);
  }
  ~FakeSsh() {
    setenv("PATH", old_path.c_str(), 1);
    unsetenv("FAKE_SSH_MASTER");
    unsetenv("FAKE_SSH_SESSION");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string log() const {
    std::ifstream in(dir / "log");
    return {std::istreambuf_iterator<char>(in), {}};
  }
};

// A host name of its own per test: masters are found by their control path.
SshTarget target() {
  std::random_device random;
  const std::string host = "fake-" + std::to_string(random());
  return {"me", host, 2222, "ssh://me@" + host + ":2222"};
}

int connect_to(const std::string& path, int fd) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
}

// A unix socket bound at `path`: listening, or (listen = false) one nothing will ever
// answer on once closed. Returns its fd (-1 after closing it when not listening).
int bound_socket(const std::string& path, bool listen) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ::unlink(path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  if (listen) {
    REQUIRE(::listen(fd, 4) == 0);
    return fd;
  }
  ::close(fd);
  return -1;
}

void age(const std::string& path, int seconds) {
  timeval times[2];
  ::gettimeofday(&times[0], nullptr);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  REQUIRE(::lutimes(path.c_str(), times) == 0);
}

std::string control_dir() { return "/tmp/boss-ssh-" + std::to_string(::geteuid()); }

}  // namespace

TEST_SUITE("platform") {

TEST_CASE("ssh dialer: a forward of the engine's socket that answers is used without running ssh") {
  const FakeSsh fake;
  const SshTarget where = target();
  ::mkdir(control_dir().c_str(), 0700);
  const std::string path = control_dir() + "/" + fnv1a_hex(where.user + "@" + where.host + ":2222") + "-engine.sock";
  const int listening = bound_socket(path, true);
  SshDialer dialer(where);
  CHECK(dialer.forwarded_socket() == path);
  CHECK(fake.log().empty());
  ::close(listening);
  ::unlink(path.c_str());
}

TEST_CASE("ssh dialer: no forward when the remote docker CLI names no unix socket; dial-stdio then") {
  const FakeSsh fake;  // its sessions print nothing for `docker context inspect`
  SshDialer dialer(target());
  CHECK(dialer.forwarded_socket().empty());
  CHECK(fake.log().find("session " + dialer.target().host + " docker context inspect") != std::string::npos);
  CHECK(fake.log().find("-engine.sock") == std::string::npos);
  CHECK(dialer.forwarded_socket().empty());  // decided once
  const auto connection = dialer.dial();
  CHECK(connection.fd >= 0);
  dialer.closed(connection.fd);
}

TEST_CASE("ssh dialer: BOSS_SSH_DIAL_STDIO=1 asks for no forward") {
  const FakeSsh fake;
  setenv("BOSS_SSH_DIAL_STDIO", "1", 1);
  SshDialer dialer(target());
  CHECK(dialer.forwarded_socket().empty());
  unsetenv("BOSS_SSH_DIAL_STDIO");
  CHECK(fake.log().empty());
}

TEST_CASE("ssh dialer: starting a master removes the control folder's dead sockets, older than a minute") {
  const FakeSsh fake;
  ::mkdir(control_dir().c_str(), 0700);
  const std::string stem = control_dir() + "/test-" + std::to_string(::getpid());
  bound_socket(stem + "-dead-old", false);
  age(stem + "-dead-old", 120);
  bound_socket(stem + "-dead-new", false);
  const int live = bound_socket(stem + "-live-old", true);
  age(stem + "-live-old", 120);
  SshDialer dialer(target());
  const auto connection = dialer.dial();  // starts a master
  dialer.closed(connection.fd);
  CHECK_FALSE(fs::exists(stem + "-dead-old"));
  CHECK(fs::exists(stem + "-dead-new"));
  CHECK(fs::exists(stem + "-live-old"));
  ::close(live);
  for (const char* name : {"-dead-new", "-live-old"}) ::unlink((stem + name).c_str());
}

TEST_CASE("ssh dialer: the last line and a refused session in what ssh said") {
  CHECK(last_line("debug1: x\nPermission denied (publickey).\n\n") == "Permission denied (publickey).");
  CHECK(last_line("") == "");
  CHECK(is_session_refusal("channel 3: open failed: administratively prohibited: open failed\n"));
  CHECK(is_session_refusal("mux_client_request_session: session request failed: Session open refused by peer"));
  CHECK(!is_session_refusal("Permission denied (publickey)."));
}

TEST_CASE("ssh dialer: connections are sessions of one master, their bytes go to the remote command") {
  const FakeSsh fake;
  SshDialer dialer(target());
  const std::string anchor = dialer.anchor_path();
  for (int i = 0; i < 3; ++i) {
    const auto connection = dialer.dial();
    REQUIRE(connect_to(anchor, connection.fd) == 0);
    const std::string hello = "hello " + std::to_string(i);
    REQUIRE(::write(connection.fd, hello.data(), hello.size()) == static_cast<ssize_t>(hello.size()));
    char buffer[64] = {0};
    std::size_t got = 0;
    while (got < hello.size()) {
      const ssize_t n = ::read(connection.fd, buffer + got, sizeof buffer - got);
      REQUIRE(n > 0);
      got += static_cast<std::size_t>(n);
    }
    CHECK(std::string(buffer, got) == hello);
    dialer.closed(connection.fd);
    const auto exit = dialer.exit_of(connection.id, std::chrono::seconds(5));
    REQUIRE(exit);
    CHECK(exit->status == 0);
  }
  const std::string log = fake.log();
  CHECK(log.find("master") == 0);
  CHECK(log.find("master", 1) == std::string::npos);  // one login for all three
  CHECK(log.find("session " + dialer.target().host + " docker system dial-stdio") != std::string::npos);
}

TEST_CASE("ssh dialer: a login ssh refuses is one line with its exit status and last words") {
  const FakeSsh fake;
  setenv("FAKE_SSH_MASTER", "me@host: Permission denied (publickey).", 1);
  SshDialer dialer(target());
  CHECK_THROWS_WITH_AS(dialer.dial(),
                       ("cannot reach the docker engine at " + dialer.target().display +
                        ": ssh exited with status 255: me@host: Permission denied (publickey).")
                           .c_str(),
                       EngineError);
}

TEST_CASE("ssh dialer: a session the master refuses says so") {
  const FakeSsh fake;
  setenv("FAKE_SSH_SESSION", "channel 9: open failed: administratively prohibited: open failed", 1);
  SshDialer dialer(target());
  const auto connection = dialer.dial();
  REQUIRE(connect_to(dialer.anchor_path(), connection.fd) == 0);
  const auto exit = dialer.exit_of(connection.id, std::chrono::seconds(5));
  REQUIRE(exit);
  CHECK(exit->status == 255);
  CHECK(exit->session_refused);
  dialer.closed(connection.fd);
}

}  // TEST_SUITE
