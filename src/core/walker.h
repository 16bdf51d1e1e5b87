// One parallel graph walker for both directions: start walks dependencies first, stop
// walks dependents first. Each node's task is handed to a worker of a bounded pool
// (work_pool.h) as soon as every node it waits for has finished; the walk itself holds
// no domain logic.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/cancel.h"

namespace boss {

class WorkPool;

enum class NodeStatus { succeeded, failed, skipped, cancelled };

struct WalkOptions {
  // Start: a failed node fails everything waiting on it (transitively); they never run.
  // Stop: a failed stop does not keep the others from stopping.
  bool skip_waiters_on_failure = true;
  // At most this many tasks run at once (0: no limit but the pool's).
  std::size_t max_parallel = 0;
  // The workers the tasks run on; null: a pool of the walk's own, of max_parallel workers
  // (0: one per node).
  WorkPool* pool = nullptr;
};

struct WalkResult {
  std::map<std::string, NodeStatus> status;
  // For a skipped node: the node whose failure caused it.
  std::map<std::string, std::string> skipped_because;
};

// `nodes`: what to walk. `waits_for(node)`: nodes that must finish first (those not in
// `nodes` are ignored). `task(node)`: returns true on success; runs on a worker thread.
// Once `cancel` is requested, no new task starts (one handed to the pool and not begun
// yet included); nodes never started end `cancelled`.
// Called from one thread; returns when nothing is running any more.
WalkResult walk_graph(const std::vector<std::string>& nodes,
                      const std::function<std::vector<std::string>(const std::string&)>& waits_for,
                      const std::function<bool(const std::string&)>& task, const Cancel& cancel,
                      const WalkOptions& options = {});

}  // namespace boss
