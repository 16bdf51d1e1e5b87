// For unit tests that check the checkout's own files (the manual, the editor
// definitions): a file of the source tree (BOSS_SOURCE_DIR, set for boss_unit) as text.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace boss::testing {

inline std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(BOSS_SOURCE_DIR) + "/" + relative);
  if (!in) throw std::runtime_error("cannot read " + relative + " of the source tree");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace boss::testing
