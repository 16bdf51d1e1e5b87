// One frame of Docker's multiplexed stream (see engine/stream_demux.h), for tests that
// play the engine: the 8-byte header [stream, 0, 0, 0, size big-endian] and the payload.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace boss::testing {

inline std::string docker_frame(char stream, std::string_view payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  std::string frame{stream, 0, 0, 0, static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                    static_cast<char>(size >> 8), static_cast<char>(size)};
  return frame.append(payload);
}

}  // namespace boss::testing
