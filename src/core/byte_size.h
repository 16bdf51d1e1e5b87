// Sizes as users write them ("512m", "2g"), for `mem_limit` and `--memory-budget`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace boss {

// "1048576" (bytes), "512k", "512m", "2g", "1.5g", "1t"; a unit may be followed by "b"
// or "ib" ("512mb", "512MiB"), any case; every unit is a power of 1024 (as docker's
// --memory). nullopt if malformed, zero, fractional bytes, or over 2^62.
std::optional<std::int64_t> parse_byte_size(const std::string& text);

// The engine refuses a memory limit under 6 MiB.
inline constexpr std::int64_t kMinMemLimit = 6 * 1024 * 1024;

// 536870912 -> "512m", 1610612736 -> "1.5g", 1000 -> "1000b": for messages.
std::string byte_size_text(std::int64_t bytes);

}  // namespace boss
