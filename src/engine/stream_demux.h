// Docker's multiplexed output stream (logs and attached exec without a TTY): frames of
// an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] followed by `size`
// bytes. Containers with a TTY send raw bytes instead.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/engine.h"

namespace boss {

// Reads the stream incrementally, from chunks split anywhere, and hands the payloads on
// without copying them.
//
// Whether the stream is framed is decided from its first bytes: a frame header starts
// with 0, 1 or 2 then three zero bytes, which text does not, so a TTY's raw stream is
// recognised at its first byte (its first line is not held back waiting for eight).
// A header that is invalid later on turns the rest of the stream raw, rather than drop
// output.
class StreamDemultiplexer {
 public:
  // A piece of a payload, in order: `stream` (stdin counts as out), the bytes, and
  // whether this piece begins a frame (false for every piece of a raw stream).
  using PayloadFn = std::function<void(LogLine::Stream stream, std::string_view bytes, bool frame_start)>;

  explicit StreamDemultiplexer(PayloadFn on_payload) : m_on_payload(std::move(on_payload)) {}

  void feed(std::string_view chunk);
  // The stream ended: bytes still held back (the start of what looked like a header but
  // had no more bytes) are raw output after all; a truncated frame keeps what arrived.
  void finish();

 private:
  enum class Mode { undecided, framed, raw };
  void turn_raw();

  PayloadFn m_on_payload;
  Mode m_mode = Mode::undecided;
  unsigned char m_header[8] = {};
  std::size_t m_header_size = 0;
  std::uint32_t m_payload_left = 0;  // bytes of the current frame's payload still to come
  bool m_frame_start = false;        // the next payload byte is its frame's first
  LogLine::Stream m_stream = LogLine::Stream::out;
};

// Concatenates the payloads of every frame (stdout and stderr interleaved, in order).
// When `raw` does not start with a valid frame header the stream is a TTY's and is
// returned unchanged. A truncated final frame keeps the bytes that did arrive.
std::string demultiplex_stream(std::string_view raw);

}  // namespace boss
