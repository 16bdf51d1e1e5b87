#include "core/work_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace boss;
using namespace std::chrono_literals;

namespace {

// Counts jobs running at once and the most there ever were.
struct Concurrency {
  std::atomic<int> now{0}, peak{0};
  void enter() {
    const int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
  }
  void leave() { --now; }
};

}  // namespace

TEST_CASE("work pool: at most size() jobs run at once, and it makes no more threads than that") {
  WorkPool pool(3);
  Concurrency c;
  std::atomic<int> ran{0};
  {
    WorkGroup group(pool);
    for (int i = 0; i < 20; ++i)
      group.run([&] {
        c.enter();
        std::this_thread::sleep_for(5ms);
        c.leave();
        ++ran;
      });
    group.wait();
  }
  CHECK(ran == 20);
  // The waiting thread runs jobs too (the group's own, not yet begun): one more than size().
  CHECK(c.peak.load() <= 4);
  CHECK(c.peak.load() >= 2);
  CHECK(pool.threads() == 3);
}

TEST_CASE("work pool: threads are made only as jobs need them") {
  WorkPool pool(32);
  WorkGroup group(pool);
  for (int i = 0; i < 2; ++i) group.run([] { std::this_thread::sleep_for(20ms); });
  group.wait();
  CHECK(pool.threads() <= 2);
  CHECK(pool.threads() >= 1);
}

TEST_CASE("work pool: nested waits with every worker busy do not deadlock") {
  WorkPool pool(2);
  std::atomic<int> inner_ran{0};
  WorkGroup outer(pool);
  // Four outer jobs on two workers, each waiting for four inner jobs: the inner jobs queue
  // behind the outer ones, so only a waiter that runs its own group's jobs gets through.
  for (int i = 0; i < 4; ++i)
    outer.run([&] {
      WorkGroup inner(pool);
      for (int k = 0; k < 4; ++k)
        inner.run([&] {
          std::this_thread::sleep_for(1ms);
          ++inner_ran;
        });
      inner.wait();
    });
  outer.wait();
  CHECK(inner_ran == 16);
  CHECK(pool.threads() <= 2);
}

TEST_CASE("work pool: a job's exception is rethrown by wait(), and the other jobs still run") {
  WorkPool pool(2);
  std::atomic<int> ran{0};
  WorkGroup group(pool);
  group.run([] { throw std::runtime_error("job failed"); });
  for (int i = 0; i < 5; ++i) group.run([&] { ++ran; });
  CHECK_THROWS_WITH(group.wait(), "job failed");
  CHECK(ran == 5);
  // Rethrown once: the group can be used again.
  group.run([&] { ++ran; });
  CHECK_NOTHROW(group.wait());
  CHECK(ran == 6);
}

TEST_CASE("work pool: cancel() drops the jobs not yet begun; begun ones end") {
  WorkPool pool(1);
  std::atomic<bool> release{false}, began{false};
  std::atomic<int> ran{0};
  WorkGroup group(pool);
  group.run([&] {
    began = true;
    while (!release) std::this_thread::sleep_for(1ms);
    ++ran;
  });
  while (!began) std::this_thread::sleep_for(1ms);
  for (int i = 0; i < 5; ++i) group.run([&] { ++ran; });
  CHECK(group.cancel() == 5);
  release = true;
  group.wait();
  CHECK(ran == 1);
}

TEST_CASE("work pool: groups on one pool keep their jobs and errors apart") {
  WorkPool pool(2);
  std::atomic<int> a_ran{0}, b_ran{0};
  WorkGroup a(pool), b(pool);
  for (int i = 0; i < 10; ++i) {
    a.run([&] { ++a_ran; });
    b.run([&] {
      ++b_ran;
      if (b_ran == 3) throw std::runtime_error("b failed");
    });
  }
  CHECK_NOTHROW(a.wait());
  CHECK(a_ran == 10);
  CHECK_THROWS(b.wait());
  CHECK(b_ran == 10);
}

TEST_CASE("work pool: a group destroyed without wait() waits for its begun jobs") {
  WorkPool pool(1);
  std::atomic<bool> ended{false}, began{false};
  {
    WorkGroup group(pool);
    group.run([&] {
      began = true;
      std::this_thread::sleep_for(20ms);
      ended = true;
    });
    while (!began) std::this_thread::sleep_for(1ms);
  }
  CHECK(ended);
}
