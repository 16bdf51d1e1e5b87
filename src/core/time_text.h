// Times and durations as users and the engine write them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace boss {

// "2026-12-02T10:52:47.123456789Z" or with an offset ("+01:00"); nullopt if malformed or
// outside what a system_clock::time_point holds (years 1678 to 2261).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

// "1.5" (seconds), "500ms", "10s", "2m", "1h", "1h30m", "1m30.5s"; nullopt if malformed
// or negative or infinite.
std::optional<double> parse_duration(const std::string& text);

// A moment for `--since`: RFC 3339, a UNIX time ("1700000000.5"), or a duration meaning
// that long before `now` ("10m"). Returns UNIX seconds as the engine wants them
// ("1700000000.500000000"); nullopt if malformed.
std::optional<std::string> since_to_unix(const std::string& text, std::chrono::system_clock::time_point now);

}  // namespace boss
