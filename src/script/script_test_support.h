// Shared by the script/ unit tests: a temporary folder holding services.lua and friends,
// and an event sink that records what hooks print.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "testing/recording_sink.h"

namespace boss::testing_script {

class TempDir {
 public:
  // Paths stay short: Lua cuts chunk names in messages to 60 characters.
  explicit TempDir(const std::string& leaf = "proj") {
    static std::atomic<int> counter{0};
    std::random_device random;
    m_root = std::filesystem::temp_directory_path() /
             ("bst" + std::to_string(random() % 100000) + "-" + std::to_string(counter++));
    m_dir = m_root / leaf;
    std::filesystem::create_directories(m_dir);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_root, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to dir/name and returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto path = m_dir / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }
  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path m_root;
  std::filesystem::path m_dir;
};

// What hooks printed (boss.log) and traced (-v), from the events they emitted.
class RecordingOutput : public boss::testing::RecordingSink {
 public:
  std::vector<std::pair<std::string, std::string>> logs() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : all<HookOutputEvent>()) out.emplace_back(e.service, e.text);
    return out;
  }
  std::vector<std::string> verbose_lines() const {
    std::vector<std::string> out;
    for (const auto& e : all<TraceEvent>()) out.push_back(e.text);
    return out;
  }
};

}  // namespace boss::testing_script
