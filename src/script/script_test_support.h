// Shared by the script/ unit tests: a temporary folder holding services.lua and friends,
// and a Reporter that records what it is given.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/reporter.h"

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

class RecordingReporter : public Reporter {
 public:
  void service_event(const std::string&, const std::string&) override {}
  void progress(const std::string&, const std::string&) override {}
  void log(const std::string& service, const std::string& text) override {
    std::lock_guard lock(m_mutex);
    m_logs.emplace_back(service, text);
  }
  void warning(const std::string&) override {}
  void verbose(const std::string& text) override {
    std::lock_guard lock(m_mutex);
    m_verbose.push_back(text);
  }
  std::vector<std::pair<std::string, std::string>> logs() {
    std::lock_guard lock(m_mutex);
    return m_logs;
  }
  std::vector<std::string> verbose_lines() {
    std::lock_guard lock(m_mutex);
    return m_verbose;
  }

 private:
  std::mutex m_mutex;
  std::vector<std::pair<std::string, std::string>> m_logs;
  std::vector<std::string> m_verbose;
};

}  // namespace boss::testing_script
