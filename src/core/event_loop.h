// The single-threaded heart of a boss command, in the style of ninja's main loop.
//
// The thread that calls run_until() owns the loop: every closure posted to it and
// every timer callback runs on that thread, one at a time. This is how the Lua state
// stays on one thread: anything that touches Lua is posted here. Worker threads do the
// blocking work (engine calls, host commands) and post their results back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>

namespace boss {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using Task = std::function<void()>;

  // Thread-safe. `task` runs on the loop thread, in posting order.
  void post(Task task);
  // Thread-safe. `task` runs on the loop thread at or after `when`.
  void post_at(Clock::time_point when, Task task);
  // Runs posted tasks and due timers until `done()` is true (checked after every task)
  // or stop() is called. Must be called from one thread at a time.
  void run_until(const std::function<bool()>& done);
  // Thread-safe: makes run_until() return after the task it is running.
  void stop();

 private:
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Task> m_ready;
  std::multimap<Clock::time_point, Task> m_timers;
  bool m_stopped = false;
};

}  // namespace boss
