#include "core/walker.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include "core/work_pool.h"

namespace boss {

WalkResult walk_graph(const std::vector<std::string>& nodes,
                      const std::function<std::vector<std::string>(const std::string&)>& waits_for,
                      const std::function<bool(const std::string&)>& task, const Cancel& cancel,
                      const WalkOptions& options) {
  const std::set<std::string> in_walk(nodes.begin(), nodes.end());
  std::map<std::string, std::vector<std::string>> prerequisites, waiters;
  for (const auto& node : nodes) {
    for (const auto& p : waits_for(node)) {
      if (!in_walk.count(p) || p == node) continue;
      prerequisites[node].push_back(p);
      waiters[p].push_back(node);
    }
  }

  WalkResult result;
  std::mutex mutex;
  std::condition_variable finished_cv;
  std::map<std::string, std::size_t> waiting_on;
  std::deque<std::string> ready;
  for (const auto& node : nodes) {
    waiting_on[node] = prerequisites[node].size();
    if (waiting_on[node] == 0) ready.push_back(node);
  }
  std::optional<WorkPool> own_pool;
  WorkPool* pool = options.pool;
  if (!pool) pool = &own_pool.emplace(options.max_parallel ? options.max_parallel : nodes.size());
  struct Finished {
    std::string node;
    bool ok;
    bool began;
  };
  std::deque<Finished> finished;  // written by workers
  std::size_t running = 0;  // handed to the pool and not finished

  // Marks everything downstream of `failed` as skipped (never started).
  auto skip_downstream = [&](const std::string& failed) {
    std::vector<std::string> stack = waiters[failed];
    while (!stack.empty()) {
      auto node = stack.back();
      stack.pop_back();
      if (result.status.count(node)) continue;
      result.status[node] = NodeStatus::skipped;
      result.skipped_because[node] = failed;
      for (const auto& w : waiters[node]) stack.push_back(w);
    }
  };

  WorkGroup group(*pool);
  while (true) {
    while (!ready.empty() && !cancel.requested() && (options.max_parallel == 0 || running < options.max_parallel)) {
      auto node = ready.front();
      ready.pop_front();
      if (result.status.count(node)) continue;  // skipped meanwhile
      ++running;
      group.run([&, node] {
        // Queued behind other work while Ctrl-C came: it never begins.
        const bool began = !cancel.requested();
        bool ok = false;
        if (began) {
          try {
            ok = task(node);
          } catch (...) {
            ok = false;  // tasks report their own errors; an escaped exception is a failure
          }
        }
        {
          std::lock_guard lock(mutex);
          finished.push_back(Finished{node, ok, began});
        }
        finished_cv.notify_one();
      });
    }
    if (running == 0) break;
    std::unique_lock lock(mutex);
    // Wake periodically so a cancel stops new work promptly even with nothing finishing.
    finished_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return !finished.empty(); });
    while (!finished.empty()) {
      auto [node, ok, began] = finished.front();
      finished.pop_front();
      --running;
      if (!began) continue;  // ends cancelled
      result.status[node] = ok ? NodeStatus::succeeded : NodeStatus::failed;
      if (!ok && options.skip_waiters_on_failure) skip_downstream(node);
      for (const auto& w : waiters[node]) {
        if (--waiting_on[w] == 0 && !result.status.count(w)) ready.push_back(w);
      }
    }
  }
  group.wait();
  for (const auto& node : nodes)
    if (!result.status.count(node)) result.status[node] = NodeStatus::cancelled;
  return result;
}

}  // namespace boss
