#include "proxy/memory_use.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace boss {

std::map<std::string, std::int64_t> memory_in_use(Engine& engine, const std::vector<ContainerInfo>& containers,
                                                  const MemoryUseLimits& limits) {
  std::vector<const ContainerInfo*> running;
  for (const auto& c : containers)
    if (c.running()) running.push_back(&c);
  std::map<std::string, std::int64_t> used;
  if (running.empty()) return used;
  using Clock = std::chrono::steady_clock;
  const auto last_start = Clock::now() + 2 * limits.timeout;
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < running.size(); i = next++) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(last_start - Clock::now());
      if (left <= std::chrono::milliseconds(0)) return;
      try {
        const auto stats = engine.container_stats(running[i]->id, std::min(limits.timeout, left));
        if (!stats) continue;
        std::lock_guard lock(mutex);
        used[running[i]->name] = stats->memory_usage;
      } catch (const std::exception&) {
        // timed out, gone meanwhile, an engine that has no stats: unknown
      }
    }
  };
  const std::size_t workers = std::min<std::size_t>(std::max(1, limits.parallel), running.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  return used;
}

}  // namespace boss
