// Fuzz target: the log stream demultiplexer (engine/stream_demux). Fed whole or cut in
// two anywhere, the stream gives the same bytes on the same streams; and
// demultiplex_stream agrees with the incremental reader.
#include <string>

#include "engine/stream_demux.h"
#include "fuzz_input.h"

namespace {

// Every payload byte tagged with its stream: "o" or "e" before each piece.
struct Collected {
  std::string out;
  std::string tagged;
};

Collected read(std::string_view first, std::string_view second) {
  Collected c;
  boss::StreamDemultiplexer demux([&](boss::LogLine::Stream stream, std::string_view bytes, bool) {
    c.out.append(bytes);
    for (const char b : bytes) {
      c.tagged += stream == boss::LogLine::Stream::err ? 'e' : 'o';
      c.tagged += b;
    }
  });
  demux.feed(first);
  demux.feed(second);
  demux.finish();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto cut = boss::fuzz::cut_by_first_byte(boss::fuzz::as_text(data, size));
  const std::string whole = std::string(cut.first) + std::string(cut.second);
  const Collected in_one = read(whole, {});
  const Collected in_two = read(cut.first, cut.second);
  if (in_one.tagged != in_two.tagged) __builtin_trap();
  if (boss::demultiplex_stream(whole) != in_one.out) __builtin_trap();
  return 0;
}
