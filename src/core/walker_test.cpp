#include "core/walker.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "core/work_pool.h"

using namespace boss;

TEST_CASE("walker: every node runs after what it waits for; failures skip waiters transitively") {
  const std::map<std::string, std::vector<std::string>> deps{
      {"a", {}}, {"b", {"a"}}, {"c", {"b"}}, {"d", {}}, {"e", {"d"}}};
  std::mutex m;
  std::vector<std::string> order;
  Cancel cancel;
  const auto result = walk_graph(
      {"a", "b", "c", "d", "e"}, [&](const std::string& n) { return deps.at(n); },
      [&](const std::string& n) {
        std::lock_guard lock(m);
        order.push_back(n);
        return n != "d";
      },
      cancel);
  CHECK(result.status.at("c") == NodeStatus::succeeded);
  CHECK(result.status.at("d") == NodeStatus::failed);
  CHECK(result.status.at("e") == NodeStatus::skipped);
  CHECK(result.skipped_because.at("e") == "d");
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
  CHECK(pos("a") < pos("b"));
  CHECK(pos("b") < pos("c"));
  CHECK(pos("e") == static_cast<long>(order.size()));  // never ran
}

TEST_CASE("walker: without skipping, waiters run even after a failure (stop)") {
  Cancel cancel;
  const auto result = walk_graph(
      {"web", "db"}, [](const std::string& n) { return n == "db" ? std::vector<std::string>{"web"} : std::vector<std::string>{}; },
      [](const std::string& n) { return n != "web"; }, cancel, WalkOptions{.skip_waiters_on_failure = false});
  CHECK(result.status.at("web") == NodeStatus::failed);
  CHECK(result.status.at("db") == NodeStatus::succeeded);
}

TEST_CASE("walker: max_parallel bounds concurrency") {
  std::atomic<int> now{0}, peak{0};
  Cancel cancel;
  std::vector<std::string> nodes;
  for (int i = 0; i < 8; ++i) nodes.push_back("n" + std::to_string(i));
  walk_graph(
      nodes, [](const std::string&) { return std::vector<std::string>{}; },
      [&](const std::string&) {
        peak = std::max(peak.load(), ++now);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --now;
        return true;
      },
      cancel, WalkOptions{.skip_waiters_on_failure = true, .max_parallel = 2});
  CHECK(peak.load() <= 2);
}

TEST_CASE("walker: on a shared pool, tasks queued when Ctrl-C comes never begin and end cancelled") {
  WorkPool pool(1);
  Cancel cancel;
  std::atomic<int> began{0};
  std::vector<std::string> nodes;
  for (int i = 0; i < 6; ++i) nodes.push_back("n" + std::to_string(i));
  const auto result = walk_graph(
      nodes, [](const std::string&) { return std::vector<std::string>{}; },
      [&](const std::string&) {
        ++began;
        cancel.request();  // the first task to run: the five queued behind it stay queued
        return true;
      },
      cancel, WalkOptions{.pool = &pool});
  CHECK(began == 1);
  int cancelled = 0;
  for (const auto& [node, status] : result.status) cancelled += status == NodeStatus::cancelled;
  CHECK(cancelled == 5);
}

TEST_CASE("walker: 500 nodes on a pool of 4 use 4 threads") {
  WorkPool pool(4);
  Cancel cancel;
  std::atomic<int> ran{0};
  std::vector<std::string> nodes;
  for (int i = 0; i < 500; ++i) nodes.push_back("n" + std::to_string(i));
  const auto result = walk_graph(
      nodes, [](const std::string& n) { return n == "n0" ? std::vector<std::string>{} : std::vector<std::string>{"n0"}; },
      [&](const std::string&) {
        ++ran;
        return true;
      },
      cancel, WalkOptions{.pool = &pool});
  CHECK(ran == 500);
  CHECK(result.status.at("n499") == NodeStatus::succeeded);
  CHECK(pool.threads() <= 4);
}
