// Fuzz target: image reference parsing (engine/image_ref). A reference either parses
// into a non-empty name with a tag or a digest, or is refused with an EngineError.
#include <string>

#include "core/errors.h"
#include "engine/image_ref.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  try {
    const boss::ImageRef ref = boss::parse_image_ref(text);
    if (ref.name.empty() || ref.api_tag().empty()) __builtin_trap();
  } catch (const boss::EngineError&) {
  }
  return 0;
}
