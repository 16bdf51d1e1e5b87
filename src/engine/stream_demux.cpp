#include "engine/stream_demux.h"

#include <cstdint>

namespace boss {

namespace {

constexpr size_t kHeaderSize = 8;

// Stream byte 0 (stdin), 1 (stdout) or 2 (stderr), then three zero bytes.
bool is_frame_header(std::string_view data) {
  if (data.size() < kHeaderSize) return false;
  const auto stream = static_cast<unsigned char>(data[0]);
  return stream <= 2 && data[1] == 0 && data[2] == 0 && data[3] == 0;
}

uint32_t frame_size(std::string_view header) {
  uint32_t size = 0;
  for (size_t i = 4; i < kHeaderSize; ++i)
    size = (size << 8) | static_cast<unsigned char>(header[i]);
  return size;
}

}  // namespace

std::string demultiplex_stream(std::string_view raw) {
  if (raw.empty() || !is_frame_header(raw)) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  size_t pos = 0;
  while (pos + kHeaderSize <= raw.size()) {
    const std::string_view header = raw.substr(pos, kHeaderSize);
    if (!is_frame_header(header)) {
      // Not a frame after all: keep the rest verbatim rather than drop output.
      out.append(raw.substr(pos));
      return out;
    }
    pos += kHeaderSize;
    const size_t size = frame_size(header);
    out.append(raw.substr(pos, size));  // substr clamps a truncated final frame
    pos += size;
  }
  return out;
}

}  // namespace boss
