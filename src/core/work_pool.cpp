#include "core/work_pool.h"

#include <algorithm>
#include <utility>

namespace boss {

WorkPool::WorkPool(std::size_t size) : m_size(std::max<std::size_t>(size, 1)) {}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_queued.notify_all();
  for (auto& thread : m_threads) thread.join();
}

std::size_t WorkPool::threads() const {
  std::lock_guard lock(m_mutex);
  return m_threads.size();
}

void WorkPool::add(WorkGroup& group, std::function<void()> job) {
  {
    std::lock_guard lock(m_mutex);
    ++group.m_unfinished;
    m_queue.push_back(Job{&group, std::move(job)});
    // A thread more only when the idle ones cannot take everything queued.
    if (m_queue.size() > m_idle && m_threads.size() < m_size) m_threads.emplace_back([this] { work(); });
  }
  m_queued.notify_one();
}

void WorkPool::run_job(Job& job) {
  std::exception_ptr error;
  try {
    job.run();
  } catch (...) {
    error = std::current_exception();
  }
  job.run = nullptr;  // what the job holds goes before its group hears of its end
  std::lock_guard lock(m_mutex);
  WorkGroup& group = *job.group;
  if (error && !group.m_error) group.m_error = error;
  // Notified under the lock: the group may be destroyed as soon as its waiter sees zero.
  if (--group.m_unfinished == 0) group.m_ended.notify_all();
}

void WorkPool::work() {
  std::unique_lock lock(m_mutex);
  while (true) {
    ++m_idle;
    m_queued.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
    --m_idle;
    if (m_queue.empty()) return;  // stopping
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    run_job(job);
    lock.lock();
  }
}

WorkGroup::~WorkGroup() {
  cancel();
  try {
    wait();
  } catch (...) {
    // A job's failure is its waiter's to see; a group given up on has none.
  }
}

std::size_t WorkGroup::cancel() {
  std::lock_guard lock(m_pool.m_mutex);
  const auto dropped = std::erase_if(m_pool.m_queue, [this](const WorkPool::Job& job) { return job.group == this; });
  m_unfinished -= dropped;
  return dropped;
}

void WorkGroup::wait() {
  std::unique_lock lock(m_pool.m_mutex);
  while (m_unfinished > 0) {
    auto& queue = m_pool.m_queue;
    const auto mine = std::find_if(queue.begin(), queue.end(), [this](const WorkPool::Job& job) { return job.group == this; });
    if (mine == queue.end()) {
      m_ended.wait(lock);
      continue;
    }
    WorkPool::Job job = std::move(*mine);
    queue.erase(mine);
    lock.unlock();
    m_pool.run_job(job);
    lock.lock();
  }
  if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
}

}  // namespace boss
