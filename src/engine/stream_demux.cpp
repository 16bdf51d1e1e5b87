#include "engine/stream_demux.h"

#include <algorithm>

namespace boss {

namespace {

constexpr std::size_t kHeaderSize = 8;

// Whether `byte` can be the header's next byte after `size` bytes: the stream (0 stdin,
// 1 stdout, 2 stderr), three zero bytes, then any four bytes of size.
bool fits_header(std::size_t size, unsigned char byte) {
  if (size == 0) return byte <= 2;
  return size >= 4 || byte == 0;
}

}  // namespace

void StreamDemultiplexer::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    if (m_mode == Mode::raw) {
      m_on_payload(LogLine::Stream::out, chunk, false);
      return;
    }
    if (m_payload_left > 0) {
      const std::size_t size = std::min<std::size_t>(chunk.size(), m_payload_left);
      m_on_payload(m_stream, chunk.substr(0, size), m_frame_start);
      m_frame_start = false;
      m_payload_left -= static_cast<std::uint32_t>(size);
      chunk.remove_prefix(size);
      continue;
    }
    const auto byte = static_cast<unsigned char>(chunk.front());
    if (!fits_header(m_header_size, byte)) {
      turn_raw();
      continue;
    }
    m_header[m_header_size++] = byte;
    chunk.remove_prefix(1);
    if (m_header_size == kHeaderSize) {
      m_mode = Mode::framed;
      m_stream = m_header[0] == 2 ? LogLine::Stream::err : LogLine::Stream::out;
      m_payload_left = (std::uint32_t{m_header[4]} << 24) | (std::uint32_t{m_header[5]} << 16) |
                       (std::uint32_t{m_header[6]} << 8) | std::uint32_t{m_header[7]};
      m_frame_start = true;
      m_header_size = 0;
    }
  }
}

void StreamDemultiplexer::turn_raw() {
  m_mode = Mode::raw;
  if (m_header_size == 0) return;
  const std::string_view held(reinterpret_cast<const char*>(m_header), m_header_size);
  m_header_size = 0;
  m_on_payload(LogLine::Stream::out, held, false);
}

void StreamDemultiplexer::finish() {
  // A framed stream cut inside a header has nothing more to give.
  if (m_mode == Mode::undecided) turn_raw();
}

std::string demultiplex_stream(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  StreamDemultiplexer demultiplexer(
      [&](LogLine::Stream, std::string_view bytes, bool) { out.append(bytes); });
  demultiplexer.feed(raw);
  demultiplexer.finish();
  return out;
}

}  // namespace boss
