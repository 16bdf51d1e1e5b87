#include "script/thread_set.h"

namespace boss {

ThreadSet::~ThreadSet() {
  std::lock_guard lock(m_mutex);
  for (auto& entry : m_entries) entry.thread.join();
}

void ThreadSet::start(std::function<void()> job) {
  std::lock_guard lock(m_mutex);
  for (auto it = m_entries.begin(); it != m_entries.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = m_entries.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  m_entries.push_back(Entry{std::thread([job = std::move(job), done] {
                              job();
                              done->store(true);
                            }),
                            done});
}

}  // namespace boss
