// Each container's request history, as `boss proxy` saw it: one JSON line per request
// (time, method, path, status, duration) in .boss/<project>/history/<container>.jsonl,
// bounded: once a file would pass `limit` bytes it becomes <container>.jsonl.1 (the one
// before goes) and a new one begins, so a container never holds more than twice `limit`.
// Thread-safe; no Boost, no engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace boss {

struct RequestRecord {
  std::chrono::system_clock::time_point time;  // when its header arrived
  std::string method;
  std::string path;  // the target the client sent
  int status = 0;    // the answer's (101 for a tunnel)
  double duration_ms = 0;
  bool operator==(const RequestRecord&) const = default;
};

// "2026-12-07T16:05:01.123Z".
std::string utc_text(std::chrono::system_clock::time_point when);
std::string record_json(const RequestRecord& record);
// nullopt: not a line record_json wrote.
std::optional<RequestRecord> record_from_json(const std::string& line);

class RequestHistory {
 public:
  explicit RequestHistory(std::filesystem::path dir, std::uintmax_t limit = 1024 * 1024);
  ~RequestHistory();
  RequestHistory(const RequestHistory&) = delete;
  RequestHistory& operator=(const RequestHistory&) = delete;

  // Appends; false when it cannot be written (the first failure's reason in problem()).
  bool append(const std::string& container, const RequestRecord& record);
  // The newest `last` records of `container`, oldest first (the rotated file's too).
  std::vector<RequestRecord> read(const std::string& container, std::size_t last = 1000) const;
  std::string problem() const;
  const std::filesystem::path& dir() const { return m_dir; }

 private:
  struct Open {
    std::FILE* file = nullptr;
    std::uintmax_t size = 0;
  };
  std::filesystem::path file_of(const std::string& container) const;
  const std::filesystem::path m_dir;
  const std::uintmax_t m_limit;
  mutable std::mutex m_mutex;
  std::map<std::string, Open> m_open;
  std::string m_problem;
};

}  // namespace boss
