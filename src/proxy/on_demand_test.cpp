#include "proxy/on_demand.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace boss;

namespace {

using Names = std::vector<std::string>;

// A start that waits until the test lets it end, recording what it was asked.
struct ScriptedStart {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Names> calls;
  bool release = false;
  CommandResult result;

  CommandResult operator()(const Names& services) {
    std::unique_lock lock(mutex);
    calls.push_back(services);
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
    release = false;
    CommandResult out = result;
    for (const auto& name : services)
      if (std::none_of(out.outcomes.begin(), out.outcomes.end(), [&](const auto& o) { return o.service == name; }))
        out.outcomes.push_back(ServiceOutcome{name, 0, Phase::up});
    return out;
  }
  void wait_calls(std::size_t n) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return calls.size() >= n; });
  }
  void finish() {
    std::lock_guard lock(mutex);
    release = true;
    changed.notify_all();
  }
};

// Waits (bounded) until `service` settles.
DemandStatus settled(OnDemandStarter& starter, const std::string& service) {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  starter.when_settled(service, [&] {
    std::lock_guard lock(mutex);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mutex);
  REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; }));
  return starter.status(service);
}

}  // namespace

TEST_CASE("on demand: concurrent first requests start a service once, and all see it up") {
  ScriptedStart script;
  OnDemandStarter starter([&](const Names& s) { return script(s); });
  CHECK(starter.status("web").state == DemandState::stopped);
  std::vector<std::thread> askers;
  std::atomic<int> settled_count{0};
  for (int i = 0; i < 20; ++i)
    askers.emplace_back([&] {
      const auto status = starter.demand("web");
      CHECK(is_settling(status.state));
      starter.when_settled("web", [&] { ++settled_count; });
    });
  for (auto& t : askers) t.join();
  script.wait_calls(1);
  CHECK(starter.status("web").state == DemandState::starting);
  CHECK(settled_count == 0);
  script.finish();
  CHECK(settled(starter, "web").state == DemandState::up);
  CHECK(settled_count == 20);
  // Just up: asking again begins nothing (the proxy's view may predate the start).
  CHECK(starter.demand("web").state == DemandState::up);
  {
    std::lock_guard lock(script.mutex);
    CHECK(script.calls == std::vector<Names>{{"web"}});
  }
  // Unless the asker looked again and found it not running.
  CHECK(starter.demand("web", true).state == DemandState::queued);
  script.finish();
  CHECK(settled(starter, "web").state == DemandState::up);
}

TEST_CASE("on demand: services asked for during a start go into the next one, together") {
  ScriptedStart script;
  OnDemandStarter starter([&](const Names& s) { return script(s); });
  starter.demand("a");
  script.wait_calls(1);
  const DemandStatus b = starter.demand("b");
  CHECK(b.state == DemandState::queued);
  CHECK(b.behind_another);
  CHECK(starter.demand("c").state == DemandState::queued);
  CHECK(starter.demand("a").state == DemandState::starting);
  script.finish();
  script.wait_calls(2);
  CHECK(starter.status("a").state == DemandState::up);
  CHECK(starter.status("b").state == DemandState::starting);
  script.finish();
  CHECK(settled(starter, "c").state == DemandState::up);
  std::lock_guard lock(script.mutex);
  CHECK(script.calls == std::vector<Names>{{"a"}, {"b", "c"}});
}

TEST_CASE("on demand: the start's events are each service's live state, in the start's order") {
  ScriptedStart script;
  OnDemandStarter starter([&](const Names& s) { return script(s); });
  starter.demand("web");
  script.wait_calls(1);
  starter.emit_now(OperationEvent{"start", "demo", {"db", "web"}});
  starter.emit_now(ServiceEvent{"db", 0, Phase::waiting, ActionKind::create, "no container"});
  auto status = starter.status("web");
  REQUIRE(status.progress.size() == 2);
  CHECK(status.progress[0] == StartProgress{"db", 0, "waiting", "no container"});
  CHECK(status.progress[1] == StartProgress{"web", 0, "queued", ""});
  starter.emit_now(ServiceEvent{"web", 1, Phase::pulling});
  starter.emit_now(ServiceEvent{"web", 2, Phase::creating});
  status = starter.status("web");
  REQUIRE(status.progress.size() == 3);
  CHECK(status.progress[1] == StartProgress{"web", 1, "pulling", ""});
  CHECK(status.progress[2] == StartProgress{"web", 2, "creating", ""});
  script.finish();
  status = settled(starter, "web");
  CHECK(status.state == DemandState::up);
  CHECK(status.progress.empty());
}

TEST_CASE("on demand: a failed start gives its reason and log tail, and is not retried at once") {
  ScriptedStart script;
  script.result.outcomes = {ServiceOutcome{"db", 0, Phase::failed, ActionKind::create, "exited with code 3", "",
                                           "FATAL: no config\n"},
                            ServiceOutcome{"web", 0, Phase::skipped, ActionKind::create, "dependency 'db' failed",
                                           "db"}};
  OnDemandStarter starter([&](const Names& s) { return script(s); },
                          OnDemandStarter::Timing{std::chrono::milliseconds(200), std::chrono::milliseconds(0)});
  starter.demand("web");
  script.finish();
  auto status = settled(starter, "web");
  CHECK(status.state == DemandState::failed);
  CHECK(status.reason == "dependency 'db' failed: exited with code 3");
  CHECK(status.logs == "FATAL: no config\n");
  // Within retry_after the failure stands; after it, a request tries again.
  CHECK(starter.demand("web").state == DemandState::failed);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  script.result = {};
  CHECK(starter.demand("web").state == DemandState::queued);
  script.finish();
  CHECK(settled(starter, "web").state == DemandState::up);
}

TEST_CASE("on demand: a start that throws fails every service it had, with the error") {
  OnDemandStarter starter([](const Names&) -> CommandResult { throw std::runtime_error("engine: connection refused"); });
  starter.demand("web");
  const auto status = settled(starter, "web");
  CHECK(status.state == DemandState::failed);
  CHECK(status.reason == "engine: connection refused");
}

TEST_CASE("on demand: after close, callbacks are dropped and never called") {
  ScriptedStart script;
  bool called = false;
  {
    OnDemandStarter starter([&](const Names& s) { return script(s); });
    starter.demand("web");
    script.wait_calls(1);
    starter.when_settled("web", [&] { called = true; });
    starter.close();
    starter.when_settled("web", [&] { called = true; });
    script.finish();
  }
  CHECK_FALSE(called);
}

TEST_CASE("on demand: a request is counted once, by ServiceActivity, for the idle clock too") {
  Project project;
  project.name = "demo";
  ServiceSpec viz;
  viz.name = "viz";
  viz.image = "img";
  viz.http = HttpEndpoint{8080};
  viz.on_demand = true;
  viz.idle_timeout = 0.2;
  ServiceSpec web = viz;
  web.name = "web";
  web.on_demand = false;
  web.idle_timeout.reset();
  project.services = {viz, web};

  std::mutex mutex;
  std::vector<Names> stops;
  OnDemandStarter::Lifecycle life;
  life.project = &project;
  life.running = [&] {
    std::lock_guard lock(mutex);
    return stops.empty() ? std::set<std::string>{"viz", "web"} : std::set<std::string>{"web"};
  };
  life.stop = [&](const Names& services) {
    std::lock_guard lock(mutex);
    stops.push_back(services);
    return CommandResult{};
  };
  OnDemandStarter starter([](const Names&) { return CommandResult{}; }, OnDemandStarter::Timing{}, std::move(life));
  ServiceActivity activity(&starter);
  const auto stopped = [&] {
    std::lock_guard lock(mutex);
    return stops.size();
  };
  {
    const auto first = activity.open("viz");
    CHECK(activity.open_connections("viz") == 1);
    CHECK(starter.uses("viz") == 1);  // once: the server no longer counts it a second time
    {
      const auto second = activity.open("viz");
      CHECK(starter.uses("viz") == 2);
    }
    CHECK(starter.uses("viz") == 1);
    const auto other = activity.open("web");
    CHECK(starter.uses("web") == 0);  // not on demand: no idle clock
    // In use past its idle_timeout: never stopped under it.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    CHECK(stopped() == 0);
  }
  CHECK(starter.uses("viz") == 0);
  CHECK(activity.open_connections("viz") == 0);
  CHECK(activity.seen("viz").requests == 2);
  // Idle from its last use's end: stopped once, about idle_timeout later.
  for (int i = 0; i < 200 && stopped() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::lock_guard lock(mutex);
  REQUIRE(stops.size() == 1);
  CHECK(stops[0] == Names{"viz"});
}

TEST_CASE("on demand: run_exclusive runs on the starter's thread after the start under way, and rethrows") {
  ScriptedStart start;
  OnDemandStarter starter([&](const Names& s) { return start(s); });
  starter.demand("web");
  start.wait_calls(1);  // the start of web runs (and waits for finish())
  std::atomic<bool> ran{false};
  std::atomic<bool> ran_during_start{true};
  std::thread caller([&] {
    starter.run_exclusive([&] {
      ran_during_start = starter.status("web").state == DemandState::starting;
      ran = true;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(ran.load());  // waits behind the start
  start.finish();
  caller.join();
  CHECK(ran.load());
  CHECK_FALSE(ran_during_start.load());
  CHECK_THROWS_WITH(starter.run_exclusive([] { throw std::runtime_error("no room"); }), "no room");
}

TEST_CASE("on demand: launched containers added are counted, stopped idle and evicted least recently used") {
  Project project;
  project.name = "demo";
  std::mutex mutex;
  std::set<std::string> running;
  std::vector<Names> stops;
  OnDemandStarter::Lifecycle life;
  life.project = &project;
  life.memory_budget = 150 * 1024 * 1024;
  life.running = [&] {
    std::lock_guard lock(mutex);
    return running;
  };
  life.stop = [&](const Names& services) {
    std::lock_guard lock(mutex);
    stops.push_back(services);
    for (const auto& s : services) running.erase(s);
    return CommandResult{};
  };
  OnDemandStarter starter([](const Names&) { return CommandResult{}; }, OnDemandStarter::Timing{}, std::move(life));
  const auto launched = [](const std::string& name, std::optional<double> idle) {
    ServiceSpec s;
    s.name = name;
    s.image = "img";
    s.labels[kLabelTemplate] = "viz";
    s.mem_limit = 64 * 1024 * 1024;
    s.idle_timeout = idle;
    return s;
  };
  // Counted only once added.
  starter.begin_use("viz-a");
  CHECK(starter.uses("viz-a") == 0);
  starter.end_use("viz-a");
  for (const char* name : {"viz-a", "viz-b"}) {
    starter.add_launched(launched(name, std::nullopt));
    std::lock_guard lock(mutex);
    running.insert(name);
  }
  starter.begin_use("viz-a");  // viz-b is the least recently used
  CHECK(starter.uses("viz-a") == 1);
  starter.end_use("viz-a");
  std::string why;
  starter.run_exclusive([&] { why = starter.make_room(launched("viz-c", std::nullopt)); });
  CHECK(why.empty());
  {
    std::lock_guard lock(mutex);
    REQUIRE(stops.size() == 1);
    CHECK(stops[0] == Names{"viz-b"});
  }
  // What is in use is never evicted: viz-a and viz-c busy, no room for viz-d.
  starter.add_launched(launched("viz-c", std::nullopt));
  {
    std::lock_guard lock(mutex);
    running.insert("viz-c");
  }
  starter.begin_use("viz-a");
  starter.begin_use("viz-c");
  starter.run_exclusive([&] { why = starter.make_room(launched("viz-d", std::nullopt)); });
  CHECK_FALSE(why.empty());
  {
    std::lock_guard lock(mutex);
    CHECK(stops.size() == 1);
  }
  starter.end_use("viz-a");
  starter.end_use("viz-c");
  // Past its idle_timeout, an added one is stopped (removed) by the starter itself.
  starter.add_launched(launched("viz-f", 0.2));
  {
    std::lock_guard lock(mutex);
    running.insert("viz-f");
  }
  const auto stopped_f = [&] {
    std::lock_guard lock(mutex);
    return std::any_of(stops.begin(), stops.end(), [](const Names& n) { return n == Names{"viz-f"}; });
  };
  for (int i = 0; i < 300 && !stopped_f(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(stopped_f());
  starter.forget_launched("viz-a");
  starter.begin_use("viz-a");
  CHECK(starter.uses("viz-a") == 0);  // forgotten: no longer counted
}
