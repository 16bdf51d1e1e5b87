// Fuzz target: the .env reader (core/env_file) and compose's ${...} rules under it. Any
// text is either a list of assignments or one DefinitionError; never a crash, a hang
// on nested defaults, or a name that is not a valid key.
#include <string>

#include "core/env_file.h"
#include "core/errors.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  // A small fixed environment, so ${HOME:-x} and ${SET?} take both branches.
  const boss::EnvLookup environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  try {
    for (const auto& [key, value] : boss::parse_env_file(text, ".env", environment)) {
      if (key.empty()) __builtin_trap();  // an assignment without a name
      (void)value;
    }
  } catch (const boss::DefinitionError&) {
  }
  return 0;
}
