// How much memory the project's running containers use, for the /_boss/ listing: one
// stats call each (Engine::container_stats), at most `parallel` at a time, each given up
// on after `timeout`, and none begun once `timeout` twice over has passed since the first,
// so a page waits about two timeouts at worst however many containers run. A container
// the engine says nothing of in time is missing from the answer: "unknown" on the page,
// never a failed page. Boost-free; blocks the calling thread (an admin handler's).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/engine.h"

namespace boss {

struct MemoryUseLimits {
  int parallel = 8;
  std::chrono::milliseconds timeout{1000};
};

// Container name -> bytes in use, for those of `containers` that run and were answered.
std::map<std::string, std::int64_t> memory_in_use(Engine& engine, const std::vector<ContainerInfo>& containers,
                                                  const MemoryUseLimits& limits = {});

}  // namespace boss
