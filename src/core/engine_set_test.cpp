#include "core/engine_set.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "testing/runtime_fixture.h"

namespace boss {
namespace {

using testing::FakeEngine;
using testing::svc;

bool has_call(const FakeEngine& engine, const std::string& call) {
  const auto calls = engine.mutations();
  return std::find(calls.begin(), calls.end(), call) != calls.end();
}

// db on engine "edge", web (which depends on it) on the usual engine.
struct TwoEngines : testing::Fixture {
  FakeEngine edge;
  std::unique_ptr<EngineSet> set;
  TwoEngines() {
    edge.id_prefix = "edge-";
    edge.add_image("busybox", "sha256:bb");
    project.engines.push_back(EngineSpec{"edge", "tcp://10.0.0.5:2376", std::nullopt, "10.0.0.5", "services.lua:2"});
    auto db = svc("db");
    db.engine = "edge";
    project.services = {db, svc("web", {"db"})};
    set = std::make_unique<EngineSet>(project, std::vector<EngineSet::Member>{{"", &engine, ""}, {"edge", &edge, "10.0.0.5"}});
  }
  Runtime runtime() { return Runtime(project, *set, hooks, context, events, locker, *cancel); }
};

TEST_CASE("engine set: each service's container on its engine, the project network on both, stop on both") {
  TwoEngines f;
  StartRequest start;
  start.timeout = 5;
  REQUIRE(f.runtime().start(start).exit_code() == 0);
  REQUIRE(f.edge.containers().size() == 1);
  CHECK(f.edge.containers()[0].info.labels.at(kLabelService) == "db");
  REQUIRE(f.engine.containers().size() == 1);
  CHECK(f.engine.containers()[0].info.labels.at(kLabelService) == "web");
  CHECK(f.edge.network_count() == 1);
  CHECK(f.engine.network_count() == 1);
  CHECK(f.set->published_address(f.edge.containers()[0].info.id) == "10.0.0.5");

  // A second start finds both containers (listed from both engines) and keeps them.
  const auto again = f.runtime().start(start);
  for (const auto& o : again.outcomes) CHECK(o.action == ActionKind::keep);

  StopRequest stop;
  stop.remove = true;
  stop.timeout = 1;
  REQUIRE(f.runtime().stop(stop).exit_code() == 0);
  CHECK(f.edge.containers().empty());
  CHECK(f.engine.containers().empty());
  CHECK(has_call(f.edge, "remove_network boss-demo"));
  CHECK(has_call(f.engine, "remove_network boss-demo"));
}

TEST_CASE("engine set: a declared engine's failure names it; the usual one's stays as it is") {
  TwoEngines f;
  f.edge.unreachable = true;
  CHECK_THROWS_WITH_AS(f.set->ping(), "engine 'edge': cannot reach the docker engine at fake://engine: refused",
                       EngineError);
  f.edge.unreachable = false;
  f.engine.unreachable = true;
  CHECK_THROWS_WITH_AS(f.set->ping(), "cannot reach the docker engine at fake://engine: refused", EngineError);
}

TEST_CASE("engine set: an image is present only when every engine that needs it has it, and is pulled there") {
  TwoEngines f;
  f.project.services[1].image = "app";
  f.project.services[0].image = "app";
  EngineSet set(f.project, {{"", &f.engine, ""}, {"edge", &f.edge, ""}});
  f.engine.add_image("app", "sha256:app");
  f.edge.add_pullable("app", "sha256:app");
  CHECK_FALSE(set.inspect_image("app"));
  Cancel cancel;
  set.pull_image("app", {}, [](const ImageProgress&) {}, cancel);
  CHECK(has_call(f.edge, "pull app"));
  CHECK_FALSE(has_call(f.engine, "pull app"));
  REQUIRE(set.inspect_image("app"));
  CHECK(set.inspect_image("app")->id == "sha256:app");
}

TEST_CASE("engine set: events of every engine reach one subscriber, subscribed once all are") {
  TwoEngines f;
  Cancel cancel;
  std::mutex m;
  std::vector<std::string> seen;
  int subscribed = 0;
  std::thread watcher([&] {
    f.set->watch_events(
        {{kLabelProject, "demo"}},
        [&](const EngineEvent& e) {
          std::lock_guard lock(m);
          seen.push_back(e.action + " " + e.id.substr(0, 4));
        },
        [&] { ++subscribed; }, cancel);
  });
  f.engine.wait_for_subscribers(1);
  f.edge.wait_for_subscribers(1);
  ContainerSpec spec;
  spec.name = "x";
  spec.image = "busybox";
  spec.labels = {{kLabelProject, "demo"}, {kLabelService, "db"}};
  f.set->start_container(f.set->create_container(spec));
  spec.labels[kLabelService] = "web";
  f.set->start_container(f.set->create_container(spec));
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(m);
      if (seen.size() >= 4) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cancel.request();
  watcher.join();
  CHECK(subscribed == 1);
  CHECK(std::count_if(seen.begin(), seen.end(), [](const std::string& s) { return s.find("edge") != std::string::npos; }) >= 1);
  CHECK(std::count_if(seen.begin(), seen.end(), [](const std::string& s) { return s.find("edge") == std::string::npos; }) >= 1);
}

TEST_CASE("engine set: a service moved to another engine has its old container removed where it was") {
  TwoEngines f;
  StartRequest start;
  start.timeout = 5;
  REQUIRE(f.runtime().start(start).exit_code() == 0);
  REQUIRE(f.edge.containers().size() == 1);
  const std::string old_db = f.edge.containers()[0].info.id;

  // db now on the usual engine: edge is still declared, though no service uses it.
  f.project.services[0].engine = "";
  f.set = std::make_unique<EngineSet>(f.project, std::vector<EngineSet::Member>{{"", &f.engine, ""}, {"edge", &f.edge, ""}});
  CHECK(f.set->list_containers({{kLabelProject, "demo"}}).size() == 2);  // listed on edge too
  const Plan plan = f.runtime().plan_start(start);
  REQUIRE(plan.services.size() == 2);
  CHECK(plan.services[0].service == "db");
  CHECK(plan.services[0].kind == ActionKind::recreate);
  CHECK(plan.services[0].reason == "moved from engine 'edge' to the usual engine");
  CHECK(plan.services[0].remove == std::vector<std::string>{old_db});
  CHECK(plan.services[1].kind == ActionKind::keep);

  const auto status = f.runtime().status();
  REQUIRE(status.rows.size() == 2);
  CHECK(status.rows[0].engine == "edge");  // where its container still is

  REQUIRE(f.runtime().start(start).exit_code() == 0);
  CHECK(f.edge.containers().empty());
  REQUIRE(f.engine.containers().size() == 2);
  for (const auto& c : f.engine.containers()) CHECK(c.info.state == "running");
  CHECK(f.runtime().status().rows[0].engine == "");

  // edge holds nothing of the project now: its network goes, the usual engine's stays.
  CHECK(f.edge.network_count() == 1);
  CHECK(f.set->tidy_unused() == std::vector<std::string>{"network boss-demo on engine 'edge'"});
  CHECK(f.edge.network_count() == 0);
  CHECK(f.engine.network_count() == 1);
  CHECK(f.set->tidy_unused().empty());

  // And back again: the usual engine's container goes.
  f.project.services[0].engine = "edge";
  f.set = std::make_unique<EngineSet>(f.project, std::vector<EngineSet::Member>{{"", &f.engine, ""}, {"edge", &f.edge, ""}});
  CHECK(f.runtime().plan_start(start).services[0].reason == "moved from the usual engine to engine 'edge'");
  REQUIRE(f.runtime().start(start).exit_code() == 0);
  CHECK(f.edge.containers().size() == 1);
  CHECK(f.engine.containers().size() == 1);
}

TEST_CASE("engine set: a declared engine no service uses, down, is one warning; a used one that is down fails") {
  TwoEngines f;
  FakeEngine old;
  old.unreachable = true;
  f.set = std::make_unique<EngineSet>(
      f.project, std::vector<EngineSet::Member>{{"", &f.engine, ""}, {"edge", &f.edge, ""}, {"old", &old, ""}});
  std::vector<std::string> warnings;
  f.set->set_warn([&](const std::string& text) { warnings.push_back(text); });
  StartRequest start;
  start.timeout = 5;
  REQUIRE(f.runtime().start(start).exit_code() == 0);
  REQUIRE(f.runtime().start(start).exit_code() == 0);
  CHECK(f.edge.containers().size() == 1);
  REQUIRE(warnings.size() == 1);  // once per engine, however often it is listed
  CHECK(warnings[0].rfind("engine 'old': ", 0) == 0);
  CHECK(warnings[0].find("cannot reach the docker engine at fake://engine: refused (no service runs there") !=
        std::string::npos);

  f.edge.unreachable = true;  // edge runs db
  CHECK_THROWS_WITH(f.set->list_containers({{kLabelProject, "demo"}}),
                    doctest::Contains("engine 'edge': cannot reach the docker engine at fake://engine"));
}

TEST_CASE("engine set: which engine a service is on, for one bound of calls per engine") {
  TwoEngines f;
  CHECK(f.set->engine_count() == 2);
  CHECK(f.set->engine_index("db") == 1);
  CHECK(f.set->engine_index("web") == 0);
  CHECK(&f.set->engine_of("db") == &f.edge);
}

}  // namespace
}  // namespace boss
