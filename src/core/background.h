// Threads an operation leaves to end on their own, off the critical path: an event
// stream being closed takes up to ~50 ms to notice its Cancel, and a service that is
// ready must not wait for that before its dependents begin. They are joined when the
// operation ends, so none outlives the engine it uses. Thread-safe.
#pragma once

#include <mutex>
#include <thread>
#include <vector>

namespace boss {

class BackgroundThreads {
 public:
  BackgroundThreads() = default;
  BackgroundThreads(const BackgroundThreads&) = delete;
  BackgroundThreads& operator=(const BackgroundThreads&) = delete;
  ~BackgroundThreads() { join_all(); }

  // `thread` must end by itself soon (its Cancel is already requested).
  void adopt(std::thread thread) {
    std::lock_guard lock(m_mutex);
    m_threads.push_back(std::move(thread));
  }
  void join_all() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(m_mutex);
      threads.swap(m_threads);
    }
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }

 private:
  std::mutex m_mutex;
  std::vector<std::thread> m_threads;
};

}  // namespace boss
