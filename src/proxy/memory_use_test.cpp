#include "proxy/memory_use.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/errors.h"
#include "testing/fake_engine.h"

using namespace boss;
using boss::testing::FakeEngine;
using namespace std::chrono_literals;

namespace {

std::vector<ContainerInfo> add(FakeEngine& engine, int running, int exited) {
  for (int i = 0; i < running + exited; ++i) {
    ContainerSpec spec;
    spec.name = "demo-c" + std::to_string(i);
    spec.image = "img";
    engine.add_container(spec, i < running ? "running" : "exited");
  }
  return engine.list_containers({});
}

std::size_t stats_calls(const FakeEngine& engine) {
  const auto calls = engine.calls();
  return std::count_if(calls.begin(), calls.end(), [](const std::string& c) { return c.rfind("stats ", 0) == 0; });
}

}  // namespace

TEST_CASE("memory use: only running containers are asked; a failed answer is unknown, not a failure") {
  FakeEngine engine;
  const auto containers = add(engine, 3, 2);
  engine.stats_handler = [](const FakeEngine::Container& c, std::chrono::milliseconds) {
    if (c.info.name == "demo-c1") throw EngineError("read the stats of container x: timed out", 0);
    return ContainerStats{c.info.name == "demo-c0" ? 100 : 200, 0};
  };
  const auto used = memory_in_use(engine, containers);
  CHECK(used == std::map<std::string, std::int64_t>{{"demo-c0", 100}, {"demo-c2", 200}});
  CHECK(stats_calls(engine) == 3);
}

TEST_CASE("memory use: at most `parallel` calls at a time, each with the timeout") {
  FakeEngine engine;
  const auto containers = add(engine, 10, 0);
  std::atomic<int> now{0}, most{0};
  std::atomic<bool> longer{false};
  engine.stats_handler = [&](const FakeEngine::Container&, std::chrono::milliseconds timeout) {
    const int in = ++now;
    int seen = most.load();
    while (in > seen && !most.compare_exchange_weak(seen, in)) {
    }
    if (timeout > 500ms) longer = true;
    std::this_thread::sleep_for(5ms);
    --now;
    return ContainerStats{1, 0};
  };
  const auto used = memory_in_use(engine, containers, {3, 500ms});
  CHECK(used.size() == 10);
  CHECK(most.load() <= 3);
  CHECK_FALSE(longer.load());
}

TEST_CASE("memory use: no call begins once two timeouts have passed") {
  FakeEngine engine;
  const auto containers = add(engine, 10, 0);
  engine.stats_handler = [](const FakeEngine::Container&, std::chrono::milliseconds timeout) -> ContainerStats {
    std::this_thread::sleep_for(timeout);  // an engine that never answers in time
    throw EngineError("read the stats of container x: timed out", 0);
  };
  const auto used = memory_in_use(engine, containers, {1, 30ms});
  CHECK(used.empty());
  CHECK(stats_calls(engine) <= 2);  // one at 0 ms, one at 30 ms; at 60 ms none begins
}
