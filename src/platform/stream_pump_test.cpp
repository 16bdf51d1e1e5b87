#include "platform/stream_pump.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "core/errors.h"
#include "testing/fake_attached.h"

using namespace boss;
using boss::testing::FakeAttachedStreams;
using boss::testing::ReceivedInput;
using boss::testing::ScriptedProcess;

namespace {

// A pipe whose read end is drained into a string once its writers are done.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); }
  ~Pipe() {
    for (const int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void close_write() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  std::string drain() {
    close_write();
    std::string text;
    char buffer[256];
    for (ssize_t got; (got = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
    return text;
  }
};

}  // namespace

TEST_CASE("pump: stdout and stderr go to their own descriptors") {
  Pipe out, err;
  auto received = std::make_shared<ReceivedInput>();
  FakeAttachedStreams streams(ScriptedProcess{"to out\n", "to err\n", 0, false}, received);
  PumpOptions options;
  options.out_fd = out.fds[1];
  options.err_fd = err.fds[1];
  pump_streams(streams, options, Cancel::never());
  CHECK(out.drain() == "to out\n");
  CHECK(err.drain() == "to err\n");
  CHECK_FALSE(received->stdin_closed);  // no input given: stdin left alone
}

TEST_CASE("pump: input goes to the process's stdin, and its end closes that stdin") {
  Pipe in, out, err;
  const std::string input = "hi\n";
  REQUIRE(::write(in.fds[1], input.data(), input.size()) == 3);
  in.close_write();
  auto received = std::make_shared<ReceivedInput>();
  FakeAttachedStreams streams(ScriptedProcess{"", "", 0, true}, received);
  PumpOptions options;
  options.in_fd = in.fds[0];
  options.out_fd = out.fds[1];
  options.err_fd = err.fds[1];
  pump_streams(streams, options, Cancel::never());
  CHECK(received->stdin_bytes == "hi\n");
  CHECK(received->stdin_closed);
  CHECK(out.drain() == "hi\n");  // echoed, as cat does
}

TEST_CASE("pump: a cancel ends it with Interrupted while the process goes on") {
  Pipe in, out;
  auto received = std::make_shared<ReceivedInput>();
  FakeAttachedStreams streams(ScriptedProcess{"", "", 0, true}, received);  // waits for stdin's end
  PumpOptions options;
  options.in_fd = in.fds[0];  // never ends
  options.out_fd = out.fds[1];
  Cancel cancel;
  cancel.request();
  CHECK_THROWS_AS(pump_streams(streams, options, cancel), Interrupted);
}

TEST_CASE("pump: the window change callback runs once at the start") {
  Pipe out;
  auto received = std::make_shared<ReceivedInput>();
  FakeAttachedStreams streams(ScriptedProcess{"x", "", 0, false}, received);
  PumpOptions options;
  options.out_fd = out.fds[1];
  int calls = 0;
  options.on_window_change = [&] { ++calls; };
  pump_streams(streams, options, Cancel::never());
  CHECK(calls == 1);
  CHECK(out.drain() == "x");
}
