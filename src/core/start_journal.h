// Which containers began a start that did not finish (ping not yet true, or post_start
// not yet run), so the next `boss start` finishes the job instead of keeping a service
// that never became ready. Kept in .boss/<project>/journal.json beside services.lua,
// written atomically; an absent file means nothing is pending (so deleting it is always
// safe):  {"version": 1, "pending": {"db": {"container": "3f2a...", "needs": "ping"}}}
//
// Thread-safe: service workers mark and clear concurrently.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace boss {

struct PendingStart {
  std::string container_id;
  // What the container still lacks: "post_start" for a new container (it needs all its
  // hooks again, so it is replaced) or "ping" for a restarted one (it is pinged again).
  std::string needs;
  bool operator==(const PendingStart&) const = default;
};

class StartJournal {
 public:
  StartJournal() = default;  // in memory only (tests)
  explicit StartJournal(std::filesystem::path file) : m_file(std::move(file)) {}

  // Which file load and the writes use; forgets what is in memory.
  void set_file(std::filesystem::path file);

  // Reads the file; a missing or unreadable file means nothing is pending.
  void load();
  std::optional<PendingStart> pending(const std::string& service) const;
  std::map<std::string, PendingStart> snapshot() const;
  // Records and saves at once, so a crash right after still leaves the record.
  void mark(const std::string& service, PendingStart pending);
  void clear(const std::string& service);
  void remove_file();

 private:
  void save_locked();

  std::filesystem::path m_file;
  mutable std::mutex m_mutex;
  std::map<std::string, PendingStart> m_pending;
};

}  // namespace boss
