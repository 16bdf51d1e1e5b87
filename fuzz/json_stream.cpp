// Fuzz target: the engine's JSON object stream splitter (engine/json_stream). The same
// bytes fed whole or cut in two at any point give the same objects.
#include <vector>

#include "engine/json_stream.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto cut = boss::fuzz::cut_by_first_byte(boss::fuzz::as_text(data, size));
  std::vector<nlohmann::json> whole, pieces;
  boss::JsonObjectStream whole_stream([&](const nlohmann::json& o) { whole.push_back(o); });
  whole_stream.feed(std::string(cut.first) + std::string(cut.second));
  boss::JsonObjectStream piece_stream([&](const nlohmann::json& o) { pieces.push_back(o); });
  piece_stream.feed(cut.first);
  piece_stream.feed(cut.second);
  if (whole != pieces) __builtin_trap();
  return 0;
}
