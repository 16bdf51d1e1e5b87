#include "core/engine_gate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/errors.h"

using namespace boss;

TEST_CASE("engine gate: never more calls in flight than slots; a cancelled wait gives up") {
  EngineGate gate(3);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&] {
      auto slot = gate.enter(Cancel::never());
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --inside;
    });
  for (auto& t : threads) t.join();
  CHECK(most.load() == 3);

  EngineGate full(1);
  auto held = full.enter(Cancel::never());
  Cancel cancel;
  cancel.request();
  CHECK_THROWS_AS(full.enter(cancel), Interrupted);
}
