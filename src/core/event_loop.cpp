#include "core/event_loop.h"

namespace boss {

void EventLoop::post(Task task) {
  {
    std::lock_guard lock(m_mutex);
    m_ready.push_back(std::move(task));
  }
  m_wake.notify_one();
}

void EventLoop::post_at(Clock::time_point when, Task task) {
  {
    std::lock_guard lock(m_mutex);
    m_timers.emplace(when, std::move(task));
  }
  m_wake.notify_one();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
  }
  m_wake.notify_one();
}

void EventLoop::run_until(const std::function<bool()>& done) {
  std::unique_lock lock(m_mutex);
  m_stopped = false;
  while (!m_stopped) {
    lock.unlock();
    if (done()) return;
    lock.lock();
    // Move due timers to the ready queue, keeping their deadline order.
    const auto now = Clock::now();
    while (!m_timers.empty() && m_timers.begin()->first <= now) {
      m_ready.push_back(std::move(m_timers.begin()->second));
      m_timers.erase(m_timers.begin());
    }
    if (m_ready.empty()) {
      if (m_timers.empty())
        m_wake.wait(lock);
      else
        m_wake.wait_until(lock, m_timers.begin()->first);
      continue;
    }
    Task task = std::move(m_ready.front());
    m_ready.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace boss
