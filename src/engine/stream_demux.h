// Docker's multiplexed output stream (logs and attached exec without a TTY): frames of
// an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] followed by `size`
// bytes. Containers with a TTY send raw bytes instead.
#pragma once

#include <string>
#include <string_view>

namespace boss {

// Concatenates the payloads of every frame (stdout and stderr interleaved, in order).
// When `raw` does not start with a valid frame header the stream is a TTY's and is
// returned unchanged. A truncated final frame keeps the bytes that did arrive.
std::string demultiplex_stream(std::string_view raw);

}  // namespace boss
