// Fuzz target: compose files (compose/compose_reader on yaml/yaml_tree and yaml-cpp). Any
// text is either a Project or one DefinitionError whose message starts with the file's
// name and a place ("compose.yaml:3:7: ..."); never a crash, another exception, or a
// project with a nameless or unnamed-twice service.
//
// The file is placed in a folder that does not exist, so relative env_file and build
// paths find nothing; the environment is a small fixed one.
#include <set>
#include <string>

#include "compose/compose_reader.h"
#include "core/errors.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  boss::ComposeInput input;
  input.environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  input.dotenv = {{"TAG", "1.2"}, {"PORT", "8080"}};
  try {
    const boss::ComposeProject read =
        boss::read_compose_text(text, "/nonexistent-boss-fuzz/compose.yaml", input);
    std::set<std::string> names;
    for (const auto& service : read.project.services) {
      if (service.name.empty()) __builtin_trap();
      if (!names.insert(service.name).second) __builtin_trap();  // one service read twice
    }
    for (const auto& warning : read.warnings)
      if (warning.rfind("/nonexistent-boss-fuzz/compose.yaml:", 0) != 0) __builtin_trap();
  } catch (const boss::DefinitionError& e) {
    if (std::string(e.what()).rfind("/nonexistent-boss-fuzz/compose.yaml", 0) != 0) __builtin_trap();
  }
  return 0;
}
