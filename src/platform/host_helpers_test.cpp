#include "platform/host_helpers.h"

#include "core/cancel.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>


using namespace boss;

TEST_CASE("host helpers: run_command captures output and exit code") {
  HostCommandResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 4"}, Cancel::never());
  CHECK(r.exit_code == 4);
  CHECK(r.output == "out\nerr\n");
  CHECK(run_command({"/no/such/program"}, Cancel::never()).exit_code == 127);
}

TEST_CASE("host helpers: the child gets a default signal mask") {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  HostCommandResult r = run_command({"sh", "-c", "grep SigBlk /proc/self/status"}, Cancel::never());
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
  HttpGetResult r = http_get("http://127.0.0.1:1/", 1, Cancel::never());
  CHECK(r.status == 0);
  CHECK(r.body.empty());
}

TEST_CASE("host helpers: a cancelled command is stopped with its whole process group") {
  Cancel cancel;
  const auto marker = std::filesystem::temp_directory_path() / ("boss-orphan-" + std::to_string(::getpid()));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.request();
  });
  const auto t0 = std::chrono::steady_clock::now();
  // The grandchild would touch the marker after 0.5 s if it outlived the cancel.
  HostCommandResult r = run_command(
      {"sh", "-c", "(sleep 0.5; touch " + marker.string() + ") & echo started; sleep 30"}, cancel);
  const auto took = std::chrono::steady_clock::now() - t0;
  canceller.join();
  CHECK(r.output == "started\n");
  CHECK(r.exit_code == 128 + SIGTERM);
  CHECK(took < std::chrono::seconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK_FALSE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
}
