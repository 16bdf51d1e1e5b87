#include "engine/stream_demux.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

std::string frame(char stream, const std::string& payload) {
  std::string out{stream, 0, 0, 0};
  const auto size = static_cast<uint32_t>(payload.size());
  out += static_cast<char>((size >> 24) & 0xff);
  out += static_cast<char>((size >> 16) & 0xff);
  out += static_cast<char>((size >> 8) & 0xff);
  out += static_cast<char>(size & 0xff);
  return out + payload;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: demultiplexing interleaves stdout and stderr in order") {
  const std::string raw = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "bye\n");
  CHECK(demultiplex_stream(raw) == "hello\noops\nbye\n");
}

TEST_CASE("engine: demultiplexing a frame larger than 255 bytes") {
  const std::string big(70000, 'x');
  CHECK(demultiplex_stream(frame(1, big) + frame(2, "end")) == big + "end");
}

TEST_CASE("engine: demultiplexing edge cases") {
  CHECK(demultiplex_stream("") == "");
  CHECK(demultiplex_stream(frame(1, "")) == "");
  // A truncated last frame keeps what arrived.
  CHECK(demultiplex_stream(frame(1, "abc") + frame(1, "defgh").substr(0, 10)) == "abcde");
}

TEST_CASE("engine: TTY output passes through unchanged") {
  CHECK(demultiplex_stream("plain tty output\r\n") == "plain tty output\r\n");
  CHECK(demultiplex_stream("x") == "x");
}

}  // TEST_SUITE
