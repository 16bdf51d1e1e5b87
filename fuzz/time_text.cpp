// Fuzz target: times and durations as users and the engine write them (core/time_text):
// RFC 3339 stamps, durations and --since values. Malformed text gives nullopt; a
// duration is never negative or infinite.
#include <chrono>
#include <cmath>
#include <string>

#include "core/time_text.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  boss::parse_rfc3339(text);
  if (const auto seconds = boss::parse_duration(text); seconds && !(*seconds >= 0 && std::isfinite(*seconds)))
    __builtin_trap();
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  boss::since_to_unix(text, now);
  return 0;
}
