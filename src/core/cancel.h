// A request to stop: Ctrl-C, a deadline that passed, a hook boss gave up on. Whoever can
// be stopped takes a `const Cancel&` and looks at it between steps, or sleeps on it;
// whoever decides to stop calls request().
//
// A Cancel may have a parent: it counts as requested when it or any ancestor is. An
// operation's Cancel has the process's (Ctrl-C) as parent, so both stop it. Parents
// must outlive their children. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace boss {

class Cancel {
 public:
  Cancel() = default;
  explicit Cancel(const Cancel* parent) : m_parent(parent) {}
  Cancel(const Cancel&) = delete;
  Cancel& operator=(const Cancel&) = delete;

  // Idempotent; wakes every sleep_for() on this Cancel at once (and on its children
  // within kPollSlice).
  void request();
  bool requested() const noexcept {
    for (const Cancel* c = this; c; c = c->m_parent)
      if (c->m_requested.load(std::memory_order_acquire)) return true;
    return false;
  }
  // Sleeps for `duration` or until requested; returns true if requested.
  bool sleep_for(std::chrono::steady_clock::duration duration) const;
  bool sleep_until(std::chrono::steady_clock::time_point when) const;

  // How often a sleeper re-reads its ancestors, and how often code that cannot be woken
  // (a libcurl transfer) should poll requested(): 20 ms keeps Ctrl-C well under 200 ms.
  static constexpr std::chrono::milliseconds kPollSlice{20};

  // A Cancel that is never requested, for callers that cannot be stopped.
  static const Cancel& never();

 private:
  const Cancel* m_parent = nullptr;
  std::atomic<bool> m_requested{false};
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_wake;
};

}  // namespace boss
