// One thread per blocking job, all joined when the set is destroyed. Used for helper calls
// made from hooks (exec, http_get, run, ...), which may each block for a long time, so a
// fixed-size pool could starve other services' hooks; and for boss proxy's admin handlers
// (a log that follows blocks for as long as its client reads).
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace boss {

class ThreadSet {
 public:
  ThreadSet() = default;
  ThreadSet(const ThreadSet&) = delete;
  ThreadSet& operator=(const ThreadSet&) = delete;
  // Waits for every job still running.
  ~ThreadSet() { join_all(); }
  // Waits for every job still running (its owner has told them to end).
  void join_all();

  // Thread-safe. Runs `job` on a new thread; finished threads are reaped on the way.
  void start(std::function<void()> job);

 private:
  struct Entry {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex m_mutex;
  std::list<Entry> m_entries;
};

}  // namespace boss
