// Fuzz target: .dockerignore matching (engine/build_context). The input's first line is
// a path, the rest a .dockerignore; parsing and matching must not crash, whatever the
// patterns (fnmatch with brackets, '**', '!', empty and '/' paths).
#include <string>

#include "engine/build_context.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = boss::fuzz::as_text(data, size);
  const auto newline = text.find('\n');
  const std::string path(text.substr(0, newline));
  const std::string_view patterns = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  const auto ignore = boss::DockerIgnore::parse(patterns);
  ignore.excluded(path);
  ignore.excluded(path + "/");
  ignore.excluded("a/" + path);
  ignore.has_exceptions();
  return 0;
}
