#include "core/starter.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "core/commands.h"
#include "testing/fake_engine.h"
#include "testing/fake_hooks.h"

using namespace boss;
using boss::testing::FakeEngine;
using boss::testing::FakeHooks;

namespace {

ServiceSpec svc(const std::string& name, std::vector<std::string> deps = {}, const std::string& image = "busybox") {
  ServiceSpec s;
  s.name = name;
  s.image = image;
  s.dependencies = std::move(deps);
  return s;
}

struct Fixture {
  FakeEngine engine;
  FakeHooks hooks;
  ContextStore context;
  NullReporter reporter;
  std::atomic<bool> cancel{false};
  StartJournal journal;
  Project project;
  Fixture() {
    project.name = "demo";
    engine.add_image("busybox", "sha256:bb");
  }
  Session session() { return Session{project, engine, hooks, context, reporter, cancel, journal}; }
  CommandResult start(std::vector<std::string> exclude = {}, double timeout = 5) {
    auto s = session();
    return run_start(s, {std::move(exclude), timeout, {}});
  }
  const ServiceOutcome& outcome(const CommandResult& r, const std::string& name) {
    return *std::find_if(r.outcomes.begin(), r.outcomes.end(), [&](const auto& o) { return o.service == name; });
  }
  std::size_t index_of(const std::vector<std::string>& calls, const std::string& call) {
    return std::find(calls.begin(), calls.end(), call) - calls.begin();
  }
};

HookResult ping_value(bool value) { return {HookResult::Status::ok, value, "", ""}; }

}  // namespace

TEST_CASE("start: dependencies come up, hooks in order, then dependents") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_pre_start = db.has_post_start = true;
  f.project.services = {svc("web", {"db"}), db};
  int pings = 0;
  f.hooks.on("db", Hook::ping, [&](const std::string&) { return ping_value(++pings >= 3); });
  f.hooks.on("db", Hook::post_start, [&](const std::string&) {
    f.context.set("user_id", std::string("7"));
    return HookResult{};
  });
  f.project.services[0].env["USER_ID"] = "{user_id}";
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.hooks.calls() == std::vector<std::string>{"db.pre_start", "db.ping", "db.ping", "db.ping", "db.post_start",
                                                    "on_start(db,web)"});
  const auto m = f.engine.mutations();
  CHECK(f.index_of(m, "start demo-db") < f.index_of(m, "create demo-web"));
  CHECK(f.engine.container_named("demo-web")->spec.env.at("USER_ID") == "7");
  CHECK(f.engine.network_count() == 1);
  CHECK(f.outcome(r, "db").reason == "created");
}

TEST_CASE("start: a second start keeps everything and runs no service hooks") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_post_start = true;
  f.project.services = {db, svc("web", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto before = f.engine.mutations().size();
  const auto hooks_before = f.hooks.calls().size();
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.engine.mutations().size() == before);  // nothing created, started or removed
  CHECK(f.hooks.calls().size() == hooks_before + 1);  // only on_start
  CHECK(f.outcome(r, "db").reason == "kept");
}

TEST_CASE("start: a stopped unchanged container is restarted and pinged, without pre/post_start") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_pre_start = db.has_post_start = true;
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  auto s = f.session();
  run_stop(s, {});
  const auto calls_before = f.hooks.calls().size();
  const auto r = f.start();
  CHECK(f.outcome(r, "db").reason == "restarted");
  const auto calls = f.hooks.calls();
  CHECK(std::vector<std::string>(calls.begin() + calls_before, calls.end()) ==
        std::vector<std::string>{"db.ping", "on_start(db)"});
}

TEST_CASE("start: a changed env recreates with all hooks; the old container is removed") {
  Fixture f;
  auto db = svc("db");
  db.has_pre_start = true;
  db.env["A"] = "1";
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  const auto old_id = f.engine.container_named("demo-db")->info.id;
  f.project.services[0].env["A"] = "2";
  const auto r = f.start();
  CHECK(f.outcome(r, "db").reason == "recreated");
  CHECK(f.engine.containers().size() == 1);
  CHECK(f.engine.container_named("demo-db")->info.id != old_id);
  CHECK(f.engine.container_named("demo-db")->spec.env.at("A") == "2");
  const auto calls = f.hooks.calls();
  CHECK(std::count(calls.begin(), calls.end(), "db.pre_start") == 2);
}

TEST_CASE("start: a failure fails its transitive dependents only; other branches go on") {
  Fixture f;
  f.engine.fail_create.insert("broken");
  f.engine.add_image("broken", "sha256:x");
  f.project.services = {svc("db", {}, "broken"), svc("api", {"db"}), svc("web", {"api"}), svc("cache")};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "db").status == Phase::failed);
  CHECK(f.outcome(r, "db").reason.find("scripted failure") != std::string::npos);
  CHECK(f.outcome(r, "api").status == Phase::skipped);
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK(f.outcome(r, "web").reason == "not started: dependency 'db' failed");
  CHECK(f.outcome(r, "cache").status == Phase::up);
  CHECK_FALSE(f.engine.container_named("demo-api"));
}

TEST_CASE("start: diamond with a failing side does not crash and fails the top once") {
  Fixture f;
  auto left = svc("left", {"base"});
  left.has_ping = true;
  f.hooks.on("left", Hook::ping, [](const std::string&) {
    return HookResult{HookResult::Status::error, false, "services.lua:9: boom", "traceback"};
  });
  f.project.services = {svc("base"), left, svc("right", {"base"}), svc("top", {"left", "right"})};
  const auto r = f.start();
  CHECK(f.outcome(r, "left").reason == "ping failed: services.lua:9: boom");
  CHECK_FALSE(f.outcome(r, "left").logs.empty());
  CHECK(f.outcome(r, "right").status == Phase::up);
  CHECK(f.outcome(r, "top").status == Phase::skipped);
  CHECK(r.outcomes.size() == 4);
}

TEST_CASE("start: a container that exits while being pinged fails at once with its exit code") {
  Fixture f;
  f.engine.add_image("crashy", "sha256:c");
  f.engine.exit_on_start.insert("crashy");
  auto s = svc("app", {}, "crashy");
  s.has_ping = true;
  f.hooks.on("app", Hook::ping, [](const std::string&) { return ping_value(false); });
  f.project.services = {s};
  const auto r = f.start({}, 30);
  CHECK(f.outcome(r, "app").reason == "container exited with code 1 before ping succeeded");
  CHECK(f.outcome(r, "app").seconds < 5);
}

TEST_CASE("start: ping timeout") {
  Fixture f;
  auto s = svc("slow");
  s.has_ping = true;
  s.ping_interval = 0.01;
  f.hooks.on("slow", Hook::ping, [](const std::string&) { return ping_value(false); });
  f.project.services = {s};
  const auto r = f.start({}, 0.2);
  CHECK(f.outcome(r, "slow").reason.find("ping timed out after") == 0);
}

TEST_CASE("start: a missing context key fails the service naming the key") {
  Fixture f;
  auto s = svc("web");
  s.env["USER_ID"] = "{user_id}";
  f.project.services = {s};
  const auto r = f.start();
  CHECK(f.outcome(r, "web").reason == "context key 'user_id' is not set (used in env USER_ID)");
  CHECK(f.engine.containers().empty());
}

TEST_CASE("start: images are pulled once per run even when shared; a failed pull fails its users") {
  Fixture f;
  f.engine.add_pullable("shared:1", "sha256:s");
  f.project.services = {svc("a", {}, "shared:1"), svc("b", {}, "shared:1"), svc("c", {}, "nowhere:1")};
  const auto r = f.start();
  const auto m = f.engine.mutations();
  CHECK(std::count(m.begin(), m.end(), "pull shared:1") == 1);
  CHECK(f.outcome(r, "a").status == Phase::up);
  CHECK(f.outcome(r, "b").status == Phase::up);
  CHECK(f.outcome(r, "c").reason == "pull image nowhere:1: not found");
}

TEST_CASE("start: services with build_from_directory are built when their image is missing") {
  Fixture f;
  auto s = svc("app", {}, "app:dev");
  s.build_from_directory = "/src/app";
  f.project.services = {s};
  CHECK(f.start().exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(m.front() == "create_network boss-demo");
  CHECK(std::count(m.begin(), m.end(), "build app:dev") == 1);
}

TEST_CASE("start: independent services start concurrently") {
  Fixture f;
  std::atomic<int> in_ping{0}, max_in_ping{0};
  for (const char* name : {"a", "b", "c"}) {
    auto s = svc(name);
    s.has_ping = true;
    f.project.services.push_back(s);
    f.hooks.on(name, Hook::ping, [&](const std::string&) {
      max_in_ping = std::max(max_in_ping.load(), ++in_ping);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      --in_ping;
      return ping_value(true);
    });
  }
  CHECK(f.start().exit_code() == 0);
  CHECK(max_in_ping.load() == 3);
}

TEST_CASE("start: cancel begins no new work and reports interrupted") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = true;
  f.hooks.on("db", Hook::ping, [&](const std::string&) {
    f.cancel = true;  // Ctrl-C arrives while db is being pinged
    return ping_value(false);
  });
  f.project.services = {db, svc("web", {"db"})};
  const auto r = f.start();
  CHECK(r.interrupted);
  CHECK(r.exit_code() == 130);
  CHECK(f.outcome(r, "db").status == Phase::interrupted);
  CHECK(f.outcome(r, "web").status == Phase::interrupted);
  CHECK_FALSE(f.engine.container_named("demo-web"));
  CHECK(f.engine.container_named("demo-db")->info.running());  // started containers stay
}

TEST_CASE("exclude: unknown names and excluded dependencies are errors naming both") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  CHECK_THROWS_WITH(select_for_start(f.project, {"dbx"}), "--exclude: unknown service 'dbx' (did you mean 'db'?)");
  CHECK_THROWS_WITH(select_for_start(f.project, {"db"}), "cannot exclude 'db': service 'web' depends on it");
  CHECK(select_for_start(f.project, {"web"}) == std::vector<std::string>{"db"});
  CHECK_THROWS_WITH(select_for_stop(f.project, {"web"}), "cannot stop 'db': excluded service 'web' depends on it");
  CHECK(select_for_stop(f.project, {"db"}) == std::vector<std::string>{"web"});
}

TEST_CASE("stop: dependents first; --remove removes containers, network and context file") {
  Fixture f;
  f.project.services = {svc("db"), svc("api", {"db"}), svc("web", {"api"})};
  REQUIRE(f.start().exit_code() == 0);
  auto s = f.session();
  const auto before = f.engine.mutations().size();
  const auto r = run_stop(s, {{}, true, 1, {}});
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  const std::vector<std::string> after(m.begin() + before, m.end());
  CHECK(f.index_of(after, "stop demo-web") < f.index_of(after, "stop demo-api"));
  CHECK(f.index_of(after, "stop demo-api") < f.index_of(after, "stop demo-db"));
  CHECK(f.engine.containers().empty());
  CHECK(f.engine.network_count() == 0);
  CHECK(f.hooks.calls().back() == "on_stop(web,api,db)");
}

TEST_CASE("reload: rebuilds, replaces the service, restarts its dependents in order") {
  Fixture f;
  auto app = svc("app", {"db"}, "app:dev");
  app.build_from_directory = "/src/app";
  app.has_post_start = true;
  auto web = svc("web", {"app"});
  web.has_ping = web.has_post_start = true;
  f.project.services = {svc("db"), app, web, svc("other")};
  REQUIRE(f.start().exit_code() == 0);
  const auto app_id = f.engine.container_named("demo-app")->info.id;
  const auto web_id = f.engine.container_named("demo-web")->info.id;
  const auto db_id = f.engine.container_named("demo-db")->info.id;
  const auto calls_before = f.hooks.calls().size();
  auto s = f.session();
  const auto r = run_reload(s, {"app", false, 5, 1});
  CHECK(r.exit_code() == 0);
  CHECK(f.engine.container_named("demo-app")->info.id != app_id);
  CHECK(f.engine.container_named("demo-web")->info.id == web_id);  // restarted, not replaced
  CHECK(f.engine.container_named("demo-db")->info.id == db_id);    // untouched
  const auto calls = f.hooks.calls();
  CHECK(std::vector<std::string>(calls.begin() + calls_before, calls.end()) ==
        std::vector<std::string>{"app.post_start", "web.ping", "on_reload(app)"});
}

TEST_CASE("reload: a failed build leaves the running services alone") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = "/src/app";
  f.project.services = {app};
  REQUIRE(f.start().exit_code() == 0);
  f.engine.fail_build.insert("app:dev");
  const auto before = f.engine.mutations().size();
  auto s = f.session();
  const auto r = run_reload(s, {"app", false, 5, 1});
  CHECK(r.exit_code() == 1);
  CHECK(f.engine.mutations().size() == before + 1);  // only the failed build
  CHECK(f.engine.container_named("demo-app")->info.running());
}

TEST_CASE("targets: start takes what they need, stop takes what needs them") {
  Fixture f;
  f.project.services = {svc("db"), svc("cache"), svc("api", {"db"}), svc("web", {"api", "cache"}), svc("solo")};
  CHECK(select_for_start(f.project, {}, {"api"}) == std::vector<std::string>{"db", "api"});
  CHECK(select_for_start(f.project, {}, {"web", "solo"}) == std::vector<std::string>{"db", "cache", "api", "web", "solo"});
  CHECK(select_for_stop(f.project, {}, {"db"}) == std::vector<std::string>{"web", "api", "db"});
  CHECK_THROWS_WITH(select_for_start(f.project, {}, {"wbe"}), "start: unknown service 'wbe' (did you mean 'web'?)");
  CHECK_THROWS_WITH(select_for_start(f.project, {"db"}, {"api"}), "cannot exclude 'db': service 'api' depends on it");
}

TEST_CASE("stop of some services keeps the network and the others") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"}), svc("solo")};
  REQUIRE(f.start().exit_code() == 0);
  auto s = f.session();
  const auto r = run_stop(s, {{}, true, 1, {"db"}});
  CHECK(r.outcomes.size() == 2);
  CHECK(f.engine.network_count() == 1);
  CHECK(f.engine.container_named("demo-solo")->info.running());
  CHECK_FALSE(f.engine.container_named("demo-db"));
}

TEST_CASE("start: a failed build fails the service and its dependents, and does not hang") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = "/src/app";
  f.engine.fail_build.insert("app:dev");
  f.project.services = {app, svc("web", {"app"}), svc("db")};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "app").reason == "build image app:dev: scripted build failure");
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK(f.outcome(r, "db").status == Phase::up);
  CHECK_FALSE(f.engine.container_named("demo-app"));
}

TEST_CASE("start: pre_start can set context that the service's own env reads") {
  Fixture f;
  auto s = svc("web");
  s.has_pre_start = true;
  s.env["TOKEN"] = "{token}";
  f.hooks.on("web", Hook::pre_start, [&](const std::string&) {
    f.context.set("token", std::string("abc"));
    return HookResult{};
  });
  f.project.services = {s};
  CHECK(f.start().exit_code() == 0);
  CHECK(f.engine.container_named("demo-web")->spec.env.at("TOKEN") == "abc");
}

TEST_CASE("journal: a service that never became ready is started over, with all hooks, next time") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_post_start = true;
  db.ping_interval = 0.01;
  bool ready = false;
  f.hooks.on("db", Hook::ping, [&](const std::string&) { return ping_value(ready); });
  f.project.services = {db, svc("web", {"db"})};
  const auto first = f.start({}, 0.1);
  REQUIRE(f.outcome(first, "db").status == Phase::failed);
  const auto failed_id = f.engine.container_named("demo-db")->info.id;
  CHECK(f.journal.pending("db") == PendingStart{failed_id, "post_start"});

  ready = true;
  const auto second = f.start();
  CHECK(second.exit_code() == 0);
  CHECK(f.outcome(second, "db").reason == "recreated");
  CHECK(f.engine.container_named("demo-db")->info.id != failed_id);
  const auto calls = f.hooks.calls();
  CHECK(std::count(calls.begin(), calls.end(), "db.post_start") == 1);
  CHECK_FALSE(f.journal.pending("db"));
}

TEST_CASE("journal: Ctrl-C during the ping of a restarted container means a ping next time") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_post_start = true;
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  auto s = f.session();
  run_stop(s, {});
  f.hooks.on("db", Hook::ping, [&](const std::string&) {
    f.cancel = true;
    return ping_value(false);
  });
  REQUIRE(f.start().exit_code() == 130);
  const auto id = f.engine.container_named("demo-db")->info.id;
  CHECK(f.journal.pending("db") == PendingStart{id, "ping"});

  f.cancel = false;
  f.hooks.on("db", Hook::ping, [](const std::string&) { return ping_value(true); });
  const auto plan = dry_run_start(s, {});
  CHECK(render_plan(plan) == "start  db  running, not pinged since its restart\n");
  const auto before = f.hooks.calls().size();
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.engine.container_named("demo-db")->info.id == id);  // same container, pinged again
  const auto calls = f.hooks.calls();
  CHECK(std::vector<std::string>(calls.begin() + before, calls.end()) ==
        std::vector<std::string>{"db.ping", "on_start(db)"});
}

TEST_CASE("start: after the network was pruned, stopped containers are replaced, not restarted") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  auto s = f.session();
  run_stop(s, {});
  for (const auto& n : f.engine.list_networks({})) f.engine.remove_network(n.id);  // docker network prune
  const auto old_id = f.engine.container_named("demo-db")->info.id;
  CHECK(render_plan(dry_run_start(s, {})) ==
        "recreate  db   project network was gone\n"
        "recreate  web  project network was gone\n");
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "db").reason == "recreated");
  CHECK(f.engine.container_named("demo-db")->info.id != old_id);
  CHECK(f.engine.network_count() == 1);
}

TEST_CASE("start: without a ping, a container that exits non-zero at once fails; a finished job is fine") {
  Fixture f;
  f.engine.add_image("crashy", "sha256:c");
  f.engine.exit_on_start.insert("crashy");
  f.project.services = {svc("app", {}, "crashy"), svc("web", {"app"})};
  const auto r = f.start();
  CHECK(f.outcome(r, "app").reason == "container exited with code 1");
  CHECK(f.outcome(r, "web").status == Phase::skipped);
}
