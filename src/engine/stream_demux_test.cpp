#include "engine/stream_demux.h"

#include <doctest/doctest.h>

#include "testing/docker_frame.h"

using namespace boss;
using boss::testing::docker_frame;

namespace {

// What a demultiplexer handed on, with the pieces of one frame joined again, so that
// feeding the same stream in different chunks must give the same record.
struct Payload {
  LogLine::Stream stream;
  std::string bytes;
  bool frame_start;
  bool operator==(const Payload&) const = default;
};

std::vector<Payload> demultiplex(const std::vector<std::string_view>& chunks) {
  std::vector<Payload> out;
  StreamDemultiplexer demultiplexer([&](LogLine::Stream stream, std::string_view bytes, bool frame_start) {
    CHECK_FALSE(bytes.empty());
    if (!frame_start && !out.empty() && out.back().stream == stream)
      out.back().bytes += bytes;
    else
      out.push_back({stream, std::string(bytes), frame_start});
  });
  for (const auto chunk : chunks) demultiplexer.feed(chunk);
  demultiplexer.finish();
  return out;
}

// `raw` fed whole, then split in two at every point, then split in three at every pair of
// points, then one byte at a time: every way must give `expected`.
void check_every_split(const std::string& raw, const std::vector<Payload>& expected) {
  const std::string_view all(raw);
  CHECK(demultiplex({all}) == expected);
  for (std::size_t i = 0; i <= raw.size(); ++i) {
    INFO("split at " << i);
    CHECK(demultiplex({all.substr(0, i), all.substr(i)}) == expected);
    for (std::size_t j = i; j <= raw.size(); ++j) {
      INFO("and at " << j);
      REQUIRE(demultiplex({all.substr(0, i), all.substr(i, j - i), all.substr(j)}) == expected);
    }
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < raw.size(); ++i) bytes.push_back(all.substr(i, 1));
  CHECK(demultiplex(bytes) == expected);
}

constexpr auto out = LogLine::Stream::out;
constexpr auto err = LogLine::Stream::err;

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: demultiplexing interleaves stdout and stderr in order") {
  const std::string raw = docker_frame(1, "hello\n") + docker_frame(2, "oops\n") + docker_frame(1, "bye\n");
  CHECK(demultiplex_stream(raw) == "hello\noops\nbye\n");
}

TEST_CASE("engine: demultiplexing a frame larger than 255 bytes") {
  const std::string big(70000, 'x');
  CHECK(demultiplex_stream(docker_frame(1, big) + docker_frame(2, "end")) == big + "end");
}

TEST_CASE("engine: demultiplexing edge cases") {
  CHECK(demultiplex_stream("") == "");
  CHECK(demultiplex_stream(docker_frame(1, "")) == "");
  // A truncated last frame keeps what arrived.
  CHECK(demultiplex_stream(docker_frame(1, "abc") + docker_frame(1, "defgh").substr(0, 10)) == "abcde");
}

TEST_CASE("engine: TTY output passes through unchanged") {
  CHECK(demultiplex_stream("plain tty output\r\n") == "plain tty output\r\n");
  CHECK(demultiplex_stream("x") == "x");
}

TEST_CASE("engine: incremental demultiplexing, the stream split at every point") {
  check_every_split(docker_frame(1, "hello\n") + docker_frame(2, "oops\n") + docker_frame(1, "partial") + docker_frame(1, " line\n"),
                    {{out, "hello\n", true}, {err, "oops\n", true}, {out, "partial", true}, {out, " line\n", true}});
  // Empty frames give nothing; stdin frames count as stdout.
  check_every_split(docker_frame(1, "") + docker_frame(0, "in") + docker_frame(2, "") + docker_frame(2, "e"),
                    {{out, "in", true}, {err, "e", true}});
}

TEST_CASE("engine: incremental demultiplexing of a frame larger than 64 KiB") {
  const std::string big(70000, 'x');
  check_every_split(docker_frame(2, "a") + docker_frame(1, big).substr(0, 3), {{err, "a", true}});  // cut in a header: dropped
  CHECK(demultiplex({docker_frame(1, big) + docker_frame(2, "end")}) == std::vector<Payload>{{out, big, true}, {err, "end", true}});
  // A truncated last frame keeps what arrived.
  CHECK(demultiplex({docker_frame(1, big).substr(0, 100)}) == std::vector<Payload>{{out, std::string(92, 'x'), true}});
}

TEST_CASE("engine: a TTY's raw stream is recognised at its first byte") {
  check_every_split("2026-01-01T00:00:00.000000000Z hi\r\nmore\r\n",
                    {{out, "2026-01-01T00:00:00.000000000Z hi\r\nmore\r\n", false}});
  // The first line is not held back waiting for a header's eight bytes.
  std::string seen;
  StreamDemultiplexer demultiplexer([&](LogLine::Stream, std::string_view bytes, bool) { seen += bytes; });
  demultiplexer.feed("h");
  CHECK(seen == "h");
  demultiplexer.feed("i\n");
  CHECK(seen == "hi\n");
}

TEST_CASE("engine: what only begins like a frame header is raw output") {
  check_every_split(std::string("\x01\0x\0abc", 7), {{out, std::string("\x01\0x\0abc", 7), false}});
  check_every_split(std::string("\x02\0", 2), {{out, std::string("\x02\0", 2), false}});  // held until the end
  // An invalid header after valid frames turns the rest raw: more stdout, in no frame
  // (which the record joins to the frame before).
  check_every_split(docker_frame(1, "ok") + "garbage", {{out, "okgarbage", true}});
  check_every_split(docker_frame(2, "ok") + "garbage", {{err, "ok", true}, {out, "garbage", false}});
}

}  // TEST_SUITE
