#include "core/container_watch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/errors.h"
#include "testing/fake_engine.h"
#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::Fixture;
using boss::testing::ping_value;
using boss::testing::svc;
using Clock = std::chrono::steady_clock;
using FakeEngine = boss::testing::FakeEngine;

namespace {

// A container of project "demo" on the fake, created (not started).
std::string made(FakeEngine& engine, const std::string& name) {
  engine.add_image("busybox", "sha256:b");
  ContainerSpec spec;
  spec.name = name;
  spec.image = "busybox";
  spec.labels = {{kLabelProject, "demo"}, {kLabelService, name}};
  return engine.create_container(spec);
}

// What the watch knows of `id` once its die came (bounded: 5 s).
std::optional<ContainerWatch::Run> until_died(const ContainerWatch& watch, const std::string& id) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  auto run = watch.run(id);
  while (run && !run->exit_code && Clock::now() < deadline) run = watch.wait(id, run->events, deadline);
  return run;
}

// A fake engine with project demo's watch on it.
struct Watched {
  FakeEngine engine;
  Cancel cancel;
  ContainerWatch watch{engine, {{kLabelProject, "demo"}}, cancel, nullptr, {}};
  // A container made, marked and started.
  std::string started(const std::string& name) {
    const auto id = made(engine, name);
    REQUIRE(watch.starting(id));
    engine.start_container(id);
    return id;
  }
};

long count_prefix(const std::vector<std::string>& calls, const std::string& prefix) {
  return std::count_if(calls.begin(), calls.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("container watch: an exit that came before the waiter looked is still seen") {
  Watched w;
  auto& [engine, cancel, watch] = w;
  const auto id = w.started("db");
  engine.exit_container(id, 3);
  // Looked at late: both are there.
  const auto run = until_died(watch, id);
  REQUIRE(run);
  CHECK(run->started);
  CHECK(run->exit_code == 3);
  CHECK(run->died_nano > 0);
  // Asked again later, without any new event: at once, the same.
  const auto t = Clock::now();
  const auto again = watch.wait(id, run->events, Clock::now() + std::chrono::milliseconds(30));
  CHECK(again->exit_code == 3);
  CHECK(Clock::now() - t >= std::chrono::milliseconds(25));  // no new event: waited out
}

TEST_CASE("container watch: only marked containers are followed; a new mark forgets the last run") {
  Watched w;
  auto& [engine, cancel, watch] = w;
  const auto id = made(engine, "job");
  const auto other = made(engine, "other");
  REQUIRE(watch.starting(id));
  CHECK_FALSE(watch.run(other));  // never marked: ask the engine
  engine.start_container(id);
  engine.exit_container(id, 1);
  REQUIRE(until_died(watch, id)->exit_code == 1);
  REQUIRE(watch.starting(id));  // attempt 2
  CHECK_FALSE(watch.run(id)->exit_code);
  CHECK_FALSE(watch.run(id)->started);
}

TEST_CASE("container watch: an alarm rings on the container's die, and at once when it died already") {
  Watched w;
  auto& [engine, cancel, watch] = w;
  const auto id = w.started("job");
  Cancel alarm;
  {
    const auto ringing = watch.alarm_on_die(id, alarm);
    CHECK_FALSE(alarm.requested());
    engine.exit_container(id, 0);
    CHECK(alarm.sleep_for(std::chrono::seconds(5)));  // woken by the die, not the 5 s
  }
  Cancel late;
  const auto ringing = watch.alarm_on_die(id, late);
  CHECK(late.requested());
}

TEST_CASE("container watch: a stream that cannot be had follows nothing and says so once") {
  FakeEngine engine;
  engine.unreachable = true;
  Cancel cancel;
  std::vector<std::string> traces;
  std::mutex mutex;
  {
    ContainerWatch watch(engine, {{kLabelProject, "demo"}}, cancel, nullptr, [&](std::string line) {
      std::lock_guard lock(mutex);
      traces.push_back(std::move(line));
    });
    CHECK_FALSE(watch.starting("c1"));
    CHECK_FALSE(watch.run("c1"));
  }
  REQUIRE(traces.size() == 1);
  CHECK(traces[0].find("readiness is told by inspecting") != std::string::npos);
}

TEST_CASE("readiness by push: pings that say no inspect nothing; the container's exit between pings fails it at once") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = true;
  db.ping_interval = 0.01;
  f.project.services = {db, svc("web", {"db"})};
  std::atomic<int> pings{0};
  f.hooks.on("db", Hook::ping, [&](const std::string&) { return ping_value(++pings >= 20); });
  const auto r = f.start();
  REQUIRE(r.exit_code() == 0);
  CHECK(pings == 20);
  // One inspect each after its start, and web's at the end of its settle time; none
  // between db's 19 failed pings.
  CHECK(count_prefix(f.engine.calls(), "inspect ") == 3);
  // One subscription for the whole run.
  CHECK(count_prefix(f.engine.calls(), "watch_events") == 1);

  Fixture g;
  auto crash = svc("db");
  crash.has_ping = true;
  crash.ping_interval = 2;  // a long sleep between pings, cut short by the exit
  g.project.services = {crash};
  g.hooks.on("db", Hook::ping, [&](const std::string& id) {
    std::thread([&g, id] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      g.engine.exit_container(id, 7);
    }).detach();
    return ping_value(false);
  });
  const auto t = Clock::now();
  const auto failed = g.start();
  CHECK(Clock::now() - t < std::chrono::seconds(1));
  CHECK(g.outcome(failed, "db").exit_code == 7);
  CHECK(g.outcome(failed, "db").reason == "container exited with code 7 before ping succeeded (last: ping returned false)");
}

TEST_CASE("readiness by push: a container without ping that exits during its settle time fails at once") {
  Fixture f;
  f.project.services = {svc("db")};
  f.engine.add_image("busybox", "sha256:b");
  std::thread exiter([&] {
    f.engine.wait_for_call("start demo-db");
    f.engine.exit_container(f.engine.container_named("demo-db")->info.id, 4);
  });
  const auto r = f.start();
  exiter.join();
  CHECK(f.outcome(r, "db").status == Phase::failed);
  CHECK(f.outcome(r, "db").exit_code == 4);
}
