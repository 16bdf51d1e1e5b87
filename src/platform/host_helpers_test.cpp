#include "platform/host_helpers.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "script/service_reader.h"

using namespace boss;

TEST_CASE("host helpers: run_command captures output and exit code") {
  HostCommandResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 4"});
  CHECK(r.exit_code == 4);
  CHECK(r.output == "out\nerr\n");
  CHECK(run_command({"/no/such/program"}).exit_code == 127);
}

TEST_CASE("host helpers: the child gets a default signal mask") {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  HostCommandResult r = run_command({"sh", "-c", "grep SigBlk /proc/self/status"});
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  CHECK(r.output.find("0000000000000000") != std::string::npos);
}

TEST_CASE("host helpers: tcp_open sees a listening socket and a closed port") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(fd, 1) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  CHECK(tcp_open("127.0.0.1", port, 1));
  close(fd);
  CHECK_FALSE(tcp_open("127.0.0.1", port, 0.5));
  CHECK_FALSE(tcp_open("no-such-host.invalid", 80, 0.5));
}

TEST_CASE("host helpers: http_get without a server gives status 0") {
  HttpGetResult r = http_get("http://127.0.0.1:1/", 1);
  CHECK(r.status == 0);
  CHECK(r.body.empty());
}

TEST_CASE("service reader: split_command_line and number text") {
  CHECK(split_command_line("  a  b\t'c d' \"e \\\"f\\\"\" g\\ h ''") ==
        std::vector<std::string>{"a", "b", "c d", "e \"f\"", "g h", ""});
  CHECK(split_command_line("").empty());
  CHECK(lua_number_text(5432) == "5432");
  CHECK(lua_number_text(1.5) == "1.5");
  CHECK(lua_number_text(-3) == "-3");
}
