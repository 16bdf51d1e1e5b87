// Fuzz target: the command splitter of services.lua's string cmd/entrypoint
// (core/command_words' split_command_line). Text splits into words or is refused
// with "unterminated quote"; no word is empty unless it was quoted.
#include <string>

#include "core/errors.h"
#include "fuzz_input.h"
#include "core/command_words.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  try {
    const auto words = boss::split_command_line(text);
    const bool has_quote = text.find_first_of("'\"") != std::string::npos;
    for (const auto& word : words)
      if (word.empty() && !has_quote) __builtin_trap();
  } catch (const boss::DefinitionError&) {
  }
  return 0;
}
