// Fuzz target: the "{key}" templates of core/template. Any text is either refused by
// check_template with a DefinitionError or is a template whose keys, once given
// values, fill without a MissingContextKey.
#include <map>
#include <string>

#include "core/errors.h"
#include "core/template.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  try {
    boss::check_template(text);
  } catch (const boss::DefinitionError&) {
    return 0;
  }
  std::map<std::string, std::string> values;
  for (const auto& key : boss::template_keys(text)) values[key] = "{" + key + "}";
  try {
    boss::fill_template(text, values);
  } catch (const boss::MissingContextKey& missing) {
    __builtin_trap();  // a checked template asked for a key template_keys did not name
  }
  values.clear();
  try {
    boss::fill_template(text, values);
  } catch (const boss::MissingContextKey&) {
  }
  return 0;
}
