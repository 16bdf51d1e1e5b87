#include "core/thread_set.h"

namespace boss {

void ThreadSet::join_all() {
  std::list<Entry> all;
  {
    std::lock_guard lock(m_mutex);
    all = std::move(m_entries);
    m_entries.clear();
  }
  for (auto& entry : all) entry.thread.join();
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
