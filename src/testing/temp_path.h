// A fresh path under the system's temporary folder for one test's files. Unique across
// processes too: two boss_unit runs at once (std::rand() starts from the same seed in
// each) must never share, and so remove, each other's folders.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace boss::testing {

inline std::filesystem::path unique_temp_path(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  return std::filesystem::temp_directory_path() /
         (prefix + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
}

}  // namespace boss::testing
