#include "engine/log_lines.h"

#include <doctest/doctest.h>

#include "engine/stream_demux.h"
#include "testing/docker_frame.h"

using namespace boss;
using boss::testing::docker_frame;

namespace {

constexpr auto out = LogLine::Stream::out;
constexpr auto err = LogLine::Stream::err;

struct Line {
  LogLine::Stream stream;
  std::string timestamp;
  std::string text;
  bool operator==(const Line&) const = default;
};

doctest::String describe(const std::vector<Line>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += std::string(line.stream == out ? "out" : "err") + " [" + line.timestamp + "] " + line.text + "|";
  return text.c_str();
}

// The lines of a raw log response, fed in `chunks`, through the demultiplexer and the assembler.
std::vector<Line> lines_of(const std::vector<std::string_view>& chunks) {
  std::vector<Line> lines;
  LogLineAssembler assembler(
      [&](const LogLine& line) { lines.push_back({line.stream, line.timestamp, line.text}); });
  StreamDemultiplexer demultiplexer([&](LogLine::Stream stream, std::string_view bytes, bool frame_start) {
    assembler.feed(stream, bytes, frame_start);
  });
  for (const auto chunk : chunks) demultiplexer.feed(chunk);
  demultiplexer.finish();
  assembler.finish();
  return lines;
}

void check_every_split(const std::string& raw, const std::vector<Line>& expected) {
  const std::string_view all(raw);
  CHECK_MESSAGE(lines_of({all}) == expected, describe(lines_of({all})));
  for (std::size_t i = 0; i <= raw.size(); ++i) {
    for (std::size_t j = i; j <= raw.size(); ++j) {
      const auto lines = lines_of({all.substr(0, i), all.substr(i, j - i), all.substr(j)});
      REQUIRE_MESSAGE(lines == expected, "split at " << i << " and " << j << ": " << describe(lines));
    }
  }
}

const std::string t1 = "2026-01-02T03:04:05.000000001Z";
const std::string t2 = "2026-01-02T03:04:05.000000002Z";
const std::string t3 = "2026-01-02T03:04:05.000000003Z";
const std::string t4 = "2026-01-02T03:04:05.000000004Z";

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: log lines from frames, timestamps split off, split at every point") {
  check_every_split(docker_frame(1, t1 + " hello world\n") + docker_frame(2, t2 + " oops\r\n") + docker_frame(1, t3 + " \n"),
                    {{out, t1, "hello world"}, {err, t2, "oops"}, {out, t3, ""}});
}

TEST_CASE("engine: partial writes are joined per stream, keeping the first part's timestamp") {
  // stdout writes "part", stderr a whole line, stdout "ial\n": the stderr line is whole first.
  check_every_split(docker_frame(1, t1 + " part") + docker_frame(2, t2 + " whole\n") + docker_frame(1, t3 + " ial\n"),
                    {{err, t2, "whole"}, {out, t1, "partial"}});
  // "\r" and "\n" in different writes still end the line once.
  check_every_split(docker_frame(1, t1 + " a\r") + docker_frame(1, t2 + " \n"), {{out, t1, "a"}});
  // A "\r" inside a line stays.
  check_every_split(docker_frame(1, t1 + " 10%\r20%\n"), {{out, t1, "10%\r20%"}});
}

TEST_CASE("engine: a last line without newline is delivered at the end, open lines in the order they began") {
  check_every_split(docker_frame(1, t1 + " done\n") + docker_frame(1, t2 + " no newline"),
                    {{out, t1, "done"}, {out, t2, "no newline"}});
  check_every_split(docker_frame(2, t1 + " err first") + docker_frame(1, t2 + " out second"),
                    {{err, t1, "err first"}, {out, t2, "out second"}});
  check_every_split(docker_frame(1, t1 + " out first") + docker_frame(2, t2 + " err second"),
                    {{out, t1, "out first"}, {err, t2, "err second"}});
  CHECK(lines_of({}).empty());
}

TEST_CASE("engine: log lines of a TTY's raw stream") {
  check_every_split(t1 + " one\r\n" + t2 + " two\r\n" + t3 + " three",
                    {{out, t1, "one"}, {out, t2, "two"}, {out, t3, "three"}});
}

TEST_CASE("engine: a line is delivered from reused buffers") {
  std::vector<const void*> texts;
  LogLineAssembler assembler([&](const LogLine& line) { texts.push_back(line.text.data()); });
  const std::string long_line = t1 + " " + std::string(100, 'x') + "\n";
  assembler.feed(out, long_line, true);
  for (int i = 0; i < 3; ++i) assembler.feed(out, t4 + " short\n", true);
  REQUIRE(texts.size() == 4);
  CHECK(texts[1] == texts[0]);
  CHECK(texts[3] == texts[0]);
}

}  // TEST_SUITE
