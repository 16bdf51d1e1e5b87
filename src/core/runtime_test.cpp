#include "core/runtime.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "core/executor.h"
#include "core/selection.h"
#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::FakeEngine;
using boss::testing::FakeHooks;
using boss::testing::RecordingSink;

using boss::testing::Fixture;
using boss::testing::ping_value;
using boss::testing::svc;

TEST_CASE("start: dependencies come up, hooks in order, then dependents") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_pre_start = db.has_post_start = true;
  f.project.services = {svc("web", {"db"}), db};
  int pings = 0;
  f.hooks.on("db", Hook::ping, [&](const std::string&) { return ping_value(++pings >= 3); });
  f.hooks.on("db", Hook::post_start, [&](const std::string&) {
    f.context.set("user_id", std::string("7"), "db");
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
  CHECK(f.outcome(r, "db").status == Phase::up);
  CHECK(f.outcome(r, "db").action == ActionKind::create);
  CHECK(f.events.phases("db") == "pre_start creating starting waiting post_start up");
  CHECK(f.events.phases("web") == "creating starting waiting up");
}

TEST_CASE("events: pull, ping, post_start, a failure and a skipped dependent, as typed events") {
  Fixture f;
  f.engine.add_pullable("app:1", "sha256:app");
  f.engine.add_image("broken", "sha256:x");
  f.engine.fail_create.insert("broken");
  auto app = svc("app", {}, "app:1");
  app.has_ping = app.has_post_start = true;
  f.project.services = {app, svc("bad", {}, "broken"), svc("after", {"bad"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.events.phases("app") == "pulling creating starting waiting post_start up");
  CHECK(f.events.phases("bad") == "creating failed");
  CHECK(f.events.phases("after") == "skipped");
  const auto failed = f.events.of("bad").back();
  CHECK(failed.reason.find("scripted failure") != std::string::npos);
  const auto skipped = f.events.of("after").back();
  CHECK(skipped.reason == "dependency 'bad' failed");
  const auto progress = f.events.all<ProgressEvent>();
  REQUIRE(progress.size() == 2);
  CHECK(progress[0].service == "app");
  CHECK(progress[0].progress.total == 100);
  const auto operation = f.events.all<OperationEvent>();
  REQUIRE(operation.size() == 1);
  CHECK(operation[0].services == std::vector<std::string>{"app", "bad", "after"});
  const auto summary = f.events.all<SummaryEvent>();
  REQUIRE(summary.size() == 1);
  CHECK(summary[0].result.outcomes.size() == 3);
  // The summary is the last event.
  CHECK(std::holds_alternative<SummaryEvent>(f.events.events().back().body));
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
  CHECK(f.engine.mutations().size() == before);       // nothing created, started or removed
  CHECK(f.hooks.calls().size() == hooks_before + 1);  // only on_start
  CHECK(f.outcome(r, "db").status == Phase::kept);
  CHECK(f.outcome(r, "db").reason == "running, unchanged");
}

TEST_CASE("start: a stopped unchanged container is restarted and pinged, without pre/post_start") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_pre_start = db.has_post_start = true;
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  f.stop();
  const auto calls_before = f.hooks.calls().size();
  const auto r = f.start();
  CHECK(f.outcome(r, "db").action == ActionKind::start);
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
  CHECK(f.outcome(r, "db").action == ActionKind::recreate);
  CHECK(f.outcome(r, "db").reason == "env A changed");
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
  CHECK(f.outcome(r, "web").reason == "dependency 'db' failed");
  CHECK(f.outcome(r, "web").cause == "db");
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
  CHECK(f.outcome(r, "app").reason ==
        "container exited with code 1 before ping succeeded (last: ping returned false)");
  CHECK(f.outcome(r, "app").exit_code == 1);
  CHECK(f.outcome(r, "app").seconds < 5);
}

TEST_CASE("start: a ping that keeps failing says so while waiting, and in its timeout") {
  Fixture f;
  auto s = svc("slow");
  s.has_ping = true;
  s.ping_interval = 0.01;
  f.hooks.on("slow", Hook::ping, [](const std::string&) { return ping_value(false); });
  f.project.services = {s};
  const auto r = f.start({}, 0.2);
  CHECK(f.outcome(r, "slow").reason == "ping timed out after 0.2 s (last: ping returned false)");
}

TEST_CASE("start: a missing context key fails the service naming the key and who sets it") {
  Fixture f;
  auto s = svc("web");
  s.env["USER_ID"] = "{user_id}";
  f.project.services = {s};
  auto r = f.start();
  CHECK(f.outcome(r, "web").reason ==
        "context key 'user_id' is not set (used in env USER_ID); no hook of this project has set it yet (is the "
        "service that sets it excluded, or did it fail?)");
  CHECK(f.engine.containers().empty());
  // Once a hook of db has set it, the message says how to make db run it again.
  std::filesystem::create_directories(f.project.state_dir());
  std::ofstream(f.project.context_file()) << R"({"version":1,"values":{},"set_by":{"user_id":"db"}})";
  r = f.start();
  CHECK(f.outcome(r, "web").reason.find("it is set by db's hooks") != std::string::npos);
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
  s.build_from_directory = f.build_dir("app");
  f.project.services = {s};
  CHECK(f.start().exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(m.front() == "create_network boss-demo");
  CHECK(std::count(m.begin(), m.end(), "build app:dev") == 1);
}

TEST_CASE("start, its plan and reload: a missing build folder is an error before anything is touched") {
  Fixture f;
  auto web = svc("web", {"db"}, "web:dev");
  web.build_from_directory = (f.dir / "web").string();
  web.defined_at = "services.lua:4";
  f.project.services = {svc("db"), web, svc("other")};
  const std::string message =
      "services.lua:4: service 'web': field 'build_from_directory': folder " + (f.dir / "web").string() +
      " does not exist";
  CHECK_THROWS_WITH_AS(f.start(), message.c_str(), DefinitionError);
  CHECK_THROWS_WITH_AS(f.runtime().plan_start({}), message.c_str(), DefinitionError);
  CHECK(f.engine.calls().empty());  // not even observed
  // A selection without web starts; stop and status work with the file as it is.
  StartRequest only_db;
  only_db.services = {"db"};
  REQUIRE(f.runtime().start(only_db).exit_code() == 0);
  const auto db_id = f.engine.container_named("demo-db")->info.id;
  const auto mutations = f.engine.mutations().size();
  CHECK_THROWS_WITH_AS(f.start(), message.c_str(), DefinitionError);
  CHECK_THROWS_WITH_AS(f.reload({"db"}), message.c_str(), DefinitionError);  // web depends on db
  CHECK(f.engine.mutations().size() == mutations);
  CHECK(f.engine.container_named("demo-db")->info.id == db_id);
  CHECK(f.runtime().status().rows.size() == 3);
  CHECK(f.stop().exit_code() == 0);
}

TEST_CASE("start --build: images are built anew; what changed is replaced and the old image removed") {
  Fixture f;
  auto s = svc("app", {}, "app:dev");
  s.build_from_directory = f.build_dir("app");
  f.project.services = {s, svc("db")};
  REQUIRE(f.start().exit_code() == 0);
  const auto old_image = f.engine.container_named("demo-app")->info.image_id;
  StartRequest request;
  request.build = true;
  const auto r = f.runtime().start(request);
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "app").action == ActionKind::recreate);
  CHECK(f.outcome(r, "app").reason == "image updated");
  CHECK(f.outcome(r, "db").status == Phase::kept);
  const auto m = f.engine.mutations();
  CHECK(std::count(m.begin(), m.end(), "build app:dev") == 2);
  CHECK(m.back() == "remove_image " + old_image);
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

TEST_CASE("start: cancel begins no new work and reports interrupted with what was left") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = true;
  f.hooks.on("db", Hook::ping, [&](const std::string&) {
    f.cancel->request();  // Ctrl-C arrives while db is being pinged
    return ping_value(false);
  });
  f.project.services = {db, svc("web", {"db"})};
  const auto r = f.start();
  CHECK(r.interrupted);
  CHECK(r.exit_code() == 130);
  CHECK(f.outcome(r, "db").status == Phase::interrupted);
  CHECK(f.outcome(r, "db").reason ==
        "interrupted before it was ready; its container stays, and the next start checks it again");
  CHECK(f.outcome(r, "web").status == Phase::interrupted);
  CHECK(f.outcome(r, "web").reason == "interrupted before its turn; not started");
  CHECK_FALSE(f.engine.container_named("demo-web"));
  CHECK(f.engine.container_named("demo-db")->info.running());  // started containers stay
}

TEST_CASE("selection: unknown names, contradictions and excluded dependencies are errors naming both") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  CHECK_THROWS_WITH(select_for_start(f.project, {}, {"dbx"}), "--exclude: unknown service 'dbx' (did you mean 'db'?)");
  CHECK_THROWS_WITH(select_for_start(f.project, {}, {"db"}), "cannot exclude 'db': service 'web' depends on it");
  CHECK(select_for_start(f.project, {}, {"web"}) == std::vector<std::string>{"db"});
  CHECK_THROWS_WITH(select_for_stop(f.project, {}, {"web"}), "cannot stop 'db': excluded service 'web' depends on it");
  CHECK(select_for_stop(f.project, {}, {"db"}) == std::vector<std::string>{"web"});
  CHECK_THROWS_WITH(select_for_start(f.project, {"web"}, {"web"}),
                    "start: service 'web' is both named and excluded (--exclude web)");
  CHECK_THROWS_WITH(select_for_stop(f.project, {"db"}, {"db"}),
                    "stop: service 'db' is both named and excluded (--exclude db)");
}

TEST_CASE("selection: start takes what the targets need, stop takes what needs them") {
  Fixture f;
  f.project.services = {svc("db"), svc("cache"), svc("api", {"db"}), svc("web", {"api", "cache"}), svc("solo")};
  CHECK(select_for_start(f.project, {"api"}, {}) == std::vector<std::string>{"db", "api"});
  CHECK(select_for_start(f.project, {"web", "solo"}, {}) ==
        std::vector<std::string>{"db", "cache", "api", "web", "solo"});
  CHECK(select_for_stop(f.project, {"db"}, {}) == std::vector<std::string>{"web", "api", "db"});
  CHECK_THROWS_WITH(select_for_start(f.project, {"wbe"}, {}), "start: unknown service 'wbe' (did you mean 'web'?)");
  CHECK_THROWS_WITH(select_for_start(f.project, {"api"}, {"db"}), "cannot exclude 'db': service 'api' depends on it");
}

TEST_CASE("stop: dependents first; --remove removes containers, network and saved state") {
  Fixture f;
  auto db = svc("db");
  db.has_post_start = true;
  f.hooks.on("db", Hook::post_start, [&](const std::string&) {
    f.context.set("k", std::string("v"), "db");
    return HookResult{};
  });
  f.project.services = {db, svc("api", {"db"}), svc("web", {"api"})};
  REQUIRE(f.start().exit_code() == 0);
  CHECK(std::filesystem::exists(f.project.context_file()));
  const auto before = f.engine.mutations().size();
  const auto r = f.stop(true);
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  const std::vector<std::string> after(m.begin() + before, m.end());
  CHECK(f.index_of(after, "stop demo-web") < f.index_of(after, "stop demo-api"));
  CHECK(f.index_of(after, "stop demo-api") < f.index_of(after, "stop demo-db"));
  CHECK(f.engine.containers().empty());
  CHECK(f.engine.network_count() == 0);
  CHECK_FALSE(std::filesystem::exists(f.project.context_file()));
  CHECK(f.hooks.calls().back() == "on_stop(web,api,db)");
  CHECK(f.events.phases("web").find("stopping removed") != std::string::npos);
}

TEST_CASE("stop --dry-run touches nothing and says what stop would do") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto before = f.engine.mutations().size();
  StopRequest request;
  request.remove = true;
  const auto plan = f.runtime().plan_stop(request);
  CHECK(f.engine.mutations().size() == before);
  REQUIRE(plan.services.size() == 2);
  CHECK(plan.services[0].service == "web");
  CHECK(plan.services[0].kind == ActionKind::remove);
  CHECK(plan.remove_networks == std::vector<std::string>{"boss-demo"});
}

TEST_CASE("stop: Ctrl-C stops nothing new; the summary says what was and was not stopped") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  f.reset_cancel();
  // Ctrl-C came before the stop began anything: nothing is stopped, and it says so.
  f.cancel->request();
  const auto r = f.stop();
  CHECK(r.exit_code() == 130);
  CHECK(f.outcome(r, "web").status == Phase::interrupted);
  CHECK(f.outcome(r, "web").reason == "not stopped: interrupted before its turn");
  CHECK(f.outcome(r, "db").status == Phase::interrupted);
  CHECK(f.engine.container_named("demo-db")->info.running());
}

TEST_CASE("stop: a container killed after its grace period says so") {
  Fixture f;
  f.project.services = {svc("db")};
  REQUIRE(f.start().exit_code() == 0);
  f.engine.ignore_stop_signal.insert("busybox");
  const auto r = f.stop();
  CHECK(f.outcome(r, "db").killed);
  CHECK(f.outcome(r, "db").reason == "killed after 1 s: it did not stop on its stop signal");
}

TEST_CASE("stop of some services keeps the network and the others") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"}), svc("solo")};
  REQUIRE(f.start().exit_code() == 0);
  const auto r = f.stop(true, {"db"});
  CHECK(r.outcomes.size() == 2);
  CHECK(f.engine.network_count() == 1);
  CHECK(f.engine.container_named("demo-solo")->info.running());
  CHECK_FALSE(f.engine.container_named("demo-db"));
}

TEST_CASE("reload: rebuilds, replaces the service, restarts its dependents in order") {
  Fixture f;
  auto app = svc("app", {"db"}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.has_post_start = true;
  auto web = svc("web", {"app"});
  web.has_ping = web.has_post_start = true;
  f.project.services = {svc("db"), app, web, svc("other")};
  REQUIRE(f.start().exit_code() == 0);
  const auto app_id = f.engine.container_named("demo-app")->info.id;
  const auto web_id = f.engine.container_named("demo-web")->info.id;
  const auto db_id = f.engine.container_named("demo-db")->info.id;
  const auto old_image = f.engine.container_named("demo-app")->info.image_id;
  const auto calls_before = f.hooks.calls().size();
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 0);
  CHECK(f.engine.container_named("demo-app")->info.id != app_id);
  CHECK(f.engine.container_named("demo-web")->info.id == web_id);  // restarted, not replaced
  CHECK(f.engine.container_named("demo-db")->info.id == db_id);    // untouched
  const auto calls = f.hooks.calls();
  CHECK(std::vector<std::string>(calls.begin() + calls_before, calls.end()) ==
        std::vector<std::string>{"app.post_start", "web.ping", "on_reload(app)"});
  // The image the reload replaced is removed once nothing uses it.
  const auto m = f.engine.mutations();
  CHECK(std::count(m.begin(), m.end(), "remove_image " + old_image) == 1);
}

TEST_CASE("reload: new-first: the new container is up once ready, takes its name, then the old one goes") {
  Fixture f;
  auto app = svc("app", {"db"}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.has_ping = app.has_pre_stop = true;
  f.project.services = {svc("db"), app, svc("web", {"app"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto old_id = f.engine.container_named("demo-app")->info.id;
  const auto web_id = f.engine.container_named("demo-web")->info.id;
  std::vector<std::string> pinged;
  f.hooks.on("app", Hook::ping, [&](const std::string& id) {
    pinged.push_back(id);
    // While its replacement is pinged, the old one still runs.
    CHECK(f.engine.container_named("demo-app")->info.running());
    return ping_value(true);
  });
  // Its pre_stop, right before the old one's stop: the new one was said up already.
  std::string phases_at_pre_stop;
  f.hooks.on("app", Hook::pre_stop, [&](const std::string&) {
    phases_at_pre_stop = f.events.phases("app");
    return HookResult{};
  });
  const auto before = f.engine.mutations().size();
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  const std::vector<std::string> done(m.begin() + static_cast<std::ptrdiff_t>(before), m.end());
  CHECK(f.index_of(done, "create demo-app-next") < f.index_of(done, "start demo-app-next"));
  // Ready: the old one steps aside and the new one takes the name while the old one runs.
  CHECK(f.index_of(done, "start demo-app-next") < f.index_of(done, "rename demo-app demo-app-old"));
  CHECK(f.index_of(done, "rename demo-app demo-app-old") < f.index_of(done, "rename demo-app-next demo-app"));
  CHECK(f.index_of(done, "rename demo-app-next demo-app") < f.index_of(done, "stop demo-app-old"));
  CHECK(f.index_of(done, "stop demo-app-old") < f.index_of(done, "remove demo-app-old"));
  CHECK(phases_at_pre_stop.find(" up") != std::string::npos);
  // Its dependent is restarted once the old one is gone; db is untouched.
  CHECK(f.index_of(done, "remove demo-app-old") < f.index_of(done, "stop demo-web"));
  CHECK(f.index_of(done, "stop demo-web") < f.index_of(done, "start demo-web"));
  CHECK(std::count(done.begin(), done.end(), "stop demo-db") == 0);
  const auto now = f.engine.container_named("demo-app");
  REQUIRE(now);
  CHECK(now->info.id != old_id);
  CHECK(now->info.running());
  CHECK(pinged == std::vector<std::string>{now->info.id});
  CHECK_FALSE(f.engine.container_named("demo-app-next"));
  CHECK(f.engine.container_named("demo-web")->info.id == web_id);
  // pre_stop ran on the old one, after the new one was ready.
  const auto calls = f.hooks.calls();
  CHECK(f.index_of(calls, "app.ping") < f.index_of(calls, "app.pre_stop"));
  CHECK(f.outcome(r, "app").status == Phase::up);
  CHECK(f.outcome(r, "web").status == Phase::up);
}

TEST_CASE("reload: new-first: when the old one cannot step aside, the new one takes the name once it is gone") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.has_ping = true;
  f.project.services = {app};
  REQUIRE(f.start().exit_code() == 0);
  ContainerSpec other;
  other.name = "demo-app-old";  // another project's
  other.image = "busybox";
  other.labels = {{kLabelProject, "elsewhere"}, {kLabelService, "x"}};
  f.engine.add_container(other, "running");
  const auto before = f.engine.mutations().size();
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "app").status == Phase::up);
  const auto m = f.engine.mutations();
  const std::vector<std::string> done(m.begin() + static_cast<std::ptrdiff_t>(before), m.end());
  CHECK(f.index_of(done, "rename demo-app demo-app-old") < f.index_of(done, "stop demo-app"));
  CHECK(f.index_of(done, "stop demo-app") < f.index_of(done, "remove demo-app"));
  CHECK(f.index_of(done, "remove demo-app") < f.index_of(done, "rename demo-app-next demo-app"));
  REQUIRE(f.engine.container_named("demo-app"));
  CHECK(f.engine.container_named("demo-app")->info.running());
  CHECK(f.engine.container_named("demo-app-old")->spec.labels.at(kLabelProject) == "elsewhere");
}

TEST_CASE("reload: new-first: a replacement that fails leaves the running container, and its dependents, as they were") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.has_post_start = true;
  f.project.services = {app, svc("web", {"app"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto old_id = f.engine.container_named("demo-app")->info.id;
  f.hooks.on("app", Hook::post_start, [&](const std::string&) {
    return HookResult{HookResult::Status::error, false, "seed failed", ""};
  });
  const auto before = f.engine.mutations().size();
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 1);
  const auto& o = f.outcome(r, "app");
  CHECK(o.status == Phase::failed);
  CHECK(o.reason.find("seed failed") != std::string::npos);
  CHECK(o.reason.ends_with("; the running container was kept"));
  CHECK(o.left_running);
  CHECK(f.engine.container_named("demo-app")->info.id == old_id);
  CHECK(f.engine.container_named("demo-app")->info.running());
  CHECK_FALSE(f.engine.container_named("demo-app-next"));  // the unready one is gone
  const auto m = f.engine.mutations();
  const std::vector<std::string> done(m.begin() + static_cast<std::ptrdiff_t>(before), m.end());
  CHECK(std::count(done.begin(), done.end(), "stop demo-web") == 0);
  CHECK(f.engine.container_named("demo-web")->info.running());
}

TEST_CASE("reload: a service with a fixed host port is stopped before its replacement is made") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.ports = {{80, "tcp", 8080}};
  f.project.services = {app};
  REQUIRE(f.start().exit_code() == 0);
  const auto before = f.engine.mutations().size();
  REQUIRE(f.reload({"app"}).exit_code() == 0);
  const auto m = f.engine.mutations();
  const std::vector<std::string> done(m.begin() + static_cast<std::ptrdiff_t>(before), m.end());
  CHECK(f.index_of(done, "stop demo-app") < f.index_of(done, "create demo-app"));
  CHECK(std::none_of(done.begin(), done.end(), [](const std::string& c) { return c.starts_with("rename"); }));
}

TEST_CASE("reload: several services at once, each replaced once") {
  Fixture f;
  f.project.services = {svc("db"), svc("a", {"db"}), svc("b", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto a_id = f.engine.container_named("demo-a")->info.id;
  const auto b_id = f.engine.container_named("demo-b")->info.id;
  const auto r = f.reload({"a", "b"});
  CHECK(r.exit_code() == 0);
  CHECK(f.engine.container_named("demo-a")->info.id != a_id);
  CHECK(f.engine.container_named("demo-b")->info.id != b_id);
  CHECK(f.hooks.calls().back() == "on_reload(b)");
  CHECK_THROWS_WITH_AS(f.reload({"c"}), doctest::Contains("reload: unknown service 'c'"), DefinitionError);
}

TEST_CASE("reload: a failed build leaves the running services alone") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  f.project.services = {app};
  REQUIRE(f.start().exit_code() == 0);
  f.engine.fail_build.insert("app:dev");
  const auto before = f.engine.mutations().size();
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 1);
  CHECK(f.engine.mutations().size() == before + 1);  // only the failed build
  CHECK(f.engine.container_named("demo-app")->info.running());
  CHECK(f.outcome(r, "app").left_running);  // what boss watch says "left as it was" of
}

TEST_CASE("reload: a failed build of a service that was not running says so") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  f.project.services = {app};
  f.engine.fail_build.insert("app:dev");
  const auto r = f.reload({"app"});
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "app").status == Phase::failed);
  CHECK_FALSE(f.outcome(r, "app").left_running);
}

TEST_CASE("reload: the project is observed once, before the build; its containers are not listed again") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  app.has_ping = true;
  f.project.services = {app, svc("web")};
  REQUIRE(f.start().exit_code() == 0);
  const auto before = f.engine.calls().size();
  REQUIRE(f.reload({"app"}).exit_code() == 0);
  const auto c = f.engine.calls();
  const std::vector<std::string> done(c.begin() + static_cast<std::ptrdiff_t>(before), c.end());
  CHECK(std::count(done.begin(), done.end(), std::string("list_containers")) == 1);
}

TEST_CASE("start: a failed build fails the service and its dependents, and does not hang") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
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
    f.context.set("token", std::string("abc"), "web");
    return HookResult{};
  });
  f.project.services = {s};
  CHECK(f.start().exit_code() == 0);
  CHECK(f.engine.container_named("demo-web")->spec.env.at("TOKEN") == "abc");
}

TEST_CASE("context: projects of one file keep their own context") {
  Fixture a, b;
  b.dir = a.dir;
  b.project.dir = a.project.dir;
  b.project.name = "other";
  for (Fixture* f : {&a, &b}) {
    auto db = svc("db");
    db.has_post_start = true;
    f->project.services = {db};
    f->hooks.on("db", Hook::post_start, [f](const std::string&) {
      f->context.set("user_id", std::string(f->project.name), "db");
      return HookResult{};
    });
  }
  REQUIRE(a.start().exit_code() == 0);
  REQUIRE(b.start().exit_code() == 0);
  REQUIRE(b.stop(true).exit_code() == 0);
  ContextStore check(a.project.context_file());
  check.load();
  CHECK(check.text_snapshot().at("user_id") == "demo");
  CHECK_FALSE(std::filesystem::exists(b.project.context_file()));
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
  CHECK(f.pending("db") == PendingStart{failed_id, "post_start"});
  const auto status = f.runtime().status();
  CHECK(status.rows[0].not_ready == "its start did not finish (ping or post_start)");

  ready = true;
  const auto second = f.start();
  CHECK(second.exit_code() == 0);
  CHECK(f.outcome(second, "db").action == ActionKind::recreate);
  CHECK(f.outcome(second, "db").reason == "did not finish starting last time");
  CHECK(f.engine.container_named("demo-db")->info.id != failed_id);
  const auto calls = f.hooks.calls();
  CHECK(std::count(calls.begin(), calls.end(), "db.post_start") == 1);
  CHECK(f.pending("db").container_id.empty());
}

TEST_CASE("journal: Ctrl-C during the ping of a restarted container means a ping next time") {
  Fixture f;
  auto db = svc("db");
  db.has_ping = db.has_post_start = true;
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  f.stop();
  f.hooks.on("db", Hook::ping, [&](const std::string&) {
    f.cancel->request();
    return ping_value(false);
  });
  REQUIRE(f.start().exit_code() == 130);
  const auto id = f.engine.container_named("demo-db")->info.id;
  CHECK(f.pending("db") == PendingStart{id, "ping"});

  f.reset_cancel();
  f.hooks.on("db", Hook::ping, [](const std::string&) { return ping_value(true); });
  const auto plan = f.runtime().plan_start({});
  REQUIRE(plan.services.size() == 1);
  CHECK(plan.services[0].kind == ActionKind::start);
  CHECK(plan.services[0].reason == "running, not pinged since its restart");
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
  f.stop();
  for (const auto& n : f.engine.list_networks({})) f.engine.remove_network(n.id);  // docker network prune
  const auto old_id = f.engine.container_named("demo-db")->info.id;
  const auto plan = f.runtime().plan_start({});
  CHECK(plan.services[0].reason == "project network was gone");
  CHECK(plan.services[1].reason == "project network was gone");
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "db").action == ActionKind::recreate);
  CHECK(f.engine.container_named("demo-db")->info.id != old_id);
  CHECK(f.engine.network_count() == 1);
}

TEST_CASE("start: without a ping, a container that exits non-zero at once fails every time") {
  Fixture f;
  f.engine.add_image("crashy", "sha256:c");
  f.engine.exit_on_start.insert("crashy");
  f.project.services = {svc("app", {}, "crashy"), svc("web", {"app"})};
  for (int i = 0; i < 3; ++i) {
    const auto r = f.start();
    CHECK(f.outcome(r, "app").reason == "container exited with code 1");
    CHECK(f.outcome(r, "app").exit_code == 1);
    CHECK(f.outcome(r, "web").status == Phase::skipped);
  }
}

TEST_CASE("start: without a ping, one that dies within the settle time fails; one that lives is up") {
  Fixture f;
  f.project.services = {svc("app")};
  std::thread killer([&] {
    // The container dies 30 ms after it started: inside the settle time.
    for (int i = 0; i < 200 && !f.engine.container_named("demo-app"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    if (auto c = f.engine.container_named("demo-app")) f.engine.exit_container(c->info.id, 3);
  });
  const auto r = f.start();
  killer.join();
  CHECK(f.outcome(r, "app").status == Phase::failed);
  CHECK(f.outcome(r, "app").exit_code == 3);
  f.engine.remove_container(f.engine.container_named("demo-app")->info.id);
  CHECK(f.start().exit_code() == 0);
}

TEST_CASE("start: a name held by another project's container gets a name that cannot collide") {
  Fixture f;
  f.project.name = "ncp";
  f.project.services = {svc("q-r")};
  ContainerSpec other;
  other.name = "ncp-q-r";  // project "ncp-q", service "r"
  other.image = "busybox";
  other.labels = {{kLabelProject, "ncp-q"}, {kLabelService, "r"}};
  f.engine.add_container(other, "running");
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  const auto mine = f.engine.list_containers({{kLabelProject, "ncp"}});
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].name == collision_free_name(f.project, "q-r"));
  CHECK(f.start().exit_code() == 0);  // and it is found again by its labels
  CHECK(f.engine.list_containers({{kLabelProject, "ncp"}}).size() == 1);

  Fixture g;
  g.project.services = {svc("web")};
  ContainerSpec foreign;
  foreign.name = "demo-web";
  foreign.image = "busybox";
  g.engine.add_container(foreign, "running");
  const auto failed = g.start();
  CHECK(g.outcome(failed, "web").reason ==
        "a container named 'demo-web' exists and is not managed by boss: remove it (docker rm -f demo-web) or use "
        "another project name (-p)");
}

TEST_CASE("status: states, exit codes and containers that never became ready") {
  Fixture f;
  f.engine.add_image("crashy", "sha256:c");
  f.engine.exit_on_start.insert("crashy");
  f.project.services = {svc("db"), svc("job", {}, "crashy"), svc("absent", {"job"})};
  f.start();
  const auto report = f.runtime().status();
  CHECK(report.project == "demo");
  REQUIRE(report.rows.size() == 3);
  CHECK(report.rows[0].state == "running");
  CHECK(report.rows[0].not_ready.empty());
  CHECK(report.rows[1].state == "exited");
  CHECK(report.rows[1].exit_code == 1);
  CHECK(report.rows[2].state == "absent");
}

TEST_CASE("start: orphans are a warning; --remove-orphans removes them first") {
  Fixture f;
  f.project.services = {svc("db"), svc("old")};
  REQUIRE(f.start().exit_code() == 0);
  f.project.services = {svc("db")};
  REQUIRE(f.start().exit_code() == 0);
  const auto warnings = f.events.all<WarningEvent>();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].text ==
        "container demo-old belongs to service 'old', which services.lua no longer defines (an orphan); "
        "`boss start --remove-orphans` or `boss down` removes it");
  CHECK(f.engine.container_named("demo-old"));

  StartRequest request;
  request.remove_orphans = true;
  const Plan plan = f.runtime().plan_start(request);
  CHECK(plan.remove_orphans == std::vector<std::string>{"demo-old"});
  CHECK(f.engine.container_named("demo-old"));
  const auto result = f.runtime().start(request);
  CHECK(result.exit_code() == 0);
  CHECK_FALSE(f.engine.container_named("demo-old"));
  CHECK(result.removed == std::vector<RemovedResource>{{"container", "demo-old"}});
  CHECK(f.events.all<WarningEvent>().size() == 1);  // no new warning
}

TEST_CASE("start: profiles choose the services; --dry-run lists the ones left out") {
  Fixture f;
  auto debugger = svc("debugger");
  debugger.profiles = {"debug"};
  f.project.services = {svc("db"), debugger};
  StartRequest request;
  const Plan plan = f.runtime().plan_start(request);
  REQUIRE(plan.services.size() == 1);
  CHECK(plan.inactive == std::vector<std::string>{"debugger"});
  REQUIRE(f.runtime().start(request).exit_code() == 0);
  CHECK_FALSE(f.engine.container_named("demo-debugger"));
  // Not an orphan: it is still defined.
  CHECK(f.events.all<WarningEvent>().empty());
  request.profiles.active = {"debug"};
  REQUIRE(f.runtime().start(request).exit_code() == 0);
  CHECK(f.engine.container_named("demo-debugger"));
  // stop considers every service, whatever the profiles.
  REQUIRE(f.stop().exit_code() == 0);
  CHECK_FALSE(f.engine.container_named("demo-debugger")->info.running());
}

TEST_CASE("named volumes: made with the project's labels; kept by stop --remove and down, removed by down --volumes") {
  Fixture f;
  auto db = svc("db");
  db.volumes = {VolumeMount{"demo_data", "/data", "", true, "data"}};
  f.project.services = {db};
  REQUIRE(f.start().exit_code() == 0);
  const auto volumes = f.engine.list_volumes({{kLabelProject, "demo"}});
  REQUIRE(volumes.size() == 1);
  CHECK(volumes[0].name == "demo_data");
  CHECK(volumes[0].labels == Labels{{kLabelProject, "demo"}, {kLabelVolume, "data"}});
  CHECK(f.engine.container_named("demo-db")->spec.binds[0].source == "demo_data");

  REQUIRE(f.stop(true).exit_code() == 0);
  CHECK(f.engine.list_volumes({}).size() == 1);
  REQUIRE(f.start().exit_code() == 0);
  DownRequest down;
  down.timeout = 1;
  auto result = f.runtime().down(down);
  CHECK(result.exit_code() == 0);
  CHECK(result.command == "down");
  CHECK(f.engine.containers().empty());
  CHECK(f.engine.network_count() == 0);
  CHECK(f.engine.list_volumes({}).size() == 1);

  REQUIRE(f.start().exit_code() == 0);
  down.volumes = true;
  const Plan plan = f.runtime().plan_down(down);
  CHECK(plan.remove_volumes == std::vector<std::string>{"demo_data"});
  CHECK(f.engine.list_volumes({}).size() == 1);  // a plan touches nothing
  result = f.runtime().down(down);
  CHECK(result.exit_code() == 0);
  CHECK(f.engine.list_volumes({}).empty());
  CHECK(std::find(result.removed.begin(), result.removed.end(), RemovedResource{"volume", "demo_data"}) !=
        result.removed.end());
}

TEST_CASE("prune: exited orphans, then unused built images and volumes when asked") {
  Fixture f;
  auto app = svc("app", {}, "app:dev");
  app.build_from_directory = f.build_dir("app");
  auto old = svc("old");
  old.volumes = {VolumeMount{"demo_cache", "/cache", "", true, "cache"}};
  f.project.services = {app, old};
  REQUIRE(f.start().exit_code() == 0);
  REQUIRE(f.stop(false, {"old"}).exit_code() == 0);
  f.project.services = {svc("other")};  // app and old are orphans now; app still runs

  PruneRequest request;
  auto result = f.runtime().prune(request);
  CHECK(result.exit_code() == 0);
  CHECK(result.removed == std::vector<RemovedResource>{{"container", "demo-old"}});
  CHECK(f.engine.container_named("demo-app"));
  CHECK(f.engine.list_volumes({}).size() == 1);
  CHECK(f.engine.inspect_image("app:dev"));

  request.images = true;
  request.volumes = true;
  result = f.runtime().prune(request);
  // The image is still used by the running orphan; the volume is free.
  CHECK(result.removed == std::vector<RemovedResource>{{"volume", "demo_cache"}});
  CHECK(f.engine.inspect_image("app:dev"));
  f.engine.stop_container("demo-app", 1);
  const Plan plan = f.runtime().plan_prune(request);
  CHECK(plan.remove_orphans == std::vector<std::string>{"demo-app"});
  CHECK(plan.remove_images == std::vector<std::string>{"app:dev"});
  result = f.runtime().prune(request);
  CHECK(result.removed ==
        std::vector<RemovedResource>{{"container", "demo-app"}, {"image", "app:dev"}});
  CHECK_FALSE(f.engine.inspect_image("app:dev"));
  CHECK(f.engine.inspect_image("busybox"));  // not built by boss
}

TEST_CASE("reload: a dependent inactive by profile is restarted only when it runs") {
  Fixture f;
  auto tracer = svc("tracer", {"web"});
  tracer.profiles = {"debug"};
  f.project.services = {svc("web"), tracer};
  REQUIRE(f.start().exit_code() == 0);
  auto result = f.reload({"web"});
  CHECK(result.exit_code() == 0);
  CHECK(result.outcomes.size() == 1);
  CHECK_FALSE(f.engine.container_named("demo-tracer"));
  StartRequest request;
  request.profiles.active = {"debug"};
  REQUIRE(f.runtime().start(request).exit_code() == 0);
  const auto before = f.engine.container_named("demo-tracer")->info.id;
  result = f.reload({"web"});
  CHECK(result.exit_code() == 0);
  CHECK(f.outcome(result, "tracer").status == Phase::up);
  CHECK(f.engine.container_named("demo-tracer")->info.running());
  CHECK(f.engine.container_named("demo-tracer")->info.id == before);  // restarted, not replaced
}

// --- replicas: instances = N ---

namespace {

// The mutations of `f` since `before` calls were made.
std::vector<std::string> mutations_since(Fixture& f, std::size_t before) {
  const auto m = f.engine.mutations();
  return {m.begin() + static_cast<std::ptrdiff_t>(before), m.end()};
}

// The project is one service "web" with `instances`, started.
void start_web(Fixture& f, int instances) {
  auto web = svc("web");
  web.instances = instances;
  f.project.services = {web};
  REQUIRE(f.start().exit_code() == 0);
}

std::string container_id(Fixture& f, const std::string& name) {
  const auto c = f.engine.container_named(name);
  REQUIRE(c);
  return c->info.id;
}

}  // namespace

TEST_CASE("replicas: each instance is a container of its own, with hooks; dependents wait for all") {
  Fixture f;
  auto web = svc("web");
  web.instances = 3;
  web.has_post_start = true;
  f.project.services = {web, svc("app", {"web"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  REQUIRE(r.outcomes.size() == 4);
  for (int i = 1; i <= 3; ++i) {
    const auto name = "demo-web-" + std::to_string(i);
    const auto c = f.engine.container_named(name);
    REQUIRE(c);
    CHECK(c->spec.labels.at(kLabelInstance) == std::to_string(i));
    CHECK(c->spec.aliases == std::vector<std::string>{"web", "web-" + std::to_string(i)});
    CHECK(c->spec.hostname == "web-" + std::to_string(i));
    CHECK(r.outcomes[static_cast<std::size_t>(i - 1)].instance == i);
    CHECK(f.index_of(f.engine.mutations(), "start " + name) < f.index_of(f.engine.mutations(), "start demo-app"));
  }
  CHECK(r.outcomes[3].instance == 0);
  // A single container reads as before: its name, no instance in events.
  CHECK(f.engine.container_named("demo-app")->spec.labels.at(kLabelInstance) == "1");
  CHECK(f.engine.container_named("demo-app")->spec.aliases == std::vector<std::string>{"app"});
  auto calls = f.hooks.calls();
  std::sort(calls.begin(), calls.end());
  CHECK(calls == std::vector<std::string>{"on_start(web,app)", "web#2.post_start", "web#3.post_start",
                                          "web.post_start"});
  int instance_events = 0;
  for (const auto& e : f.events.of("web")) instance_events += e.instance > 0;
  CHECK(instance_events == static_cast<int>(f.events.of("web").size()));
}

TEST_CASE("replicas: a failing instance fails the service, and its dependents are skipped") {
  Fixture f;
  auto web = svc("web");
  web.instances = 2;
  web.has_post_start = true;
  f.hooks.on("web", Hook::post_start, [&](const std::string& id) {
    const bool second = f.engine.container_named("demo-web-2")->info.id == id;
    return second ? HookResult{HookResult::Status::error, false, "boom", ""} : HookResult{};
  });
  f.project.services = {web, svc("app", {"web"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(r.outcomes[0].status == Phase::up);
  CHECK(r.outcomes[1].status == Phase::failed);
  CHECK(f.outcome(r, "app").status == Phase::skipped);
  CHECK_FALSE(f.engine.container_named("demo-app"));
}

TEST_CASE("replicas: scaling 3 -> 5 -> 2 keeps the survivors' containers and removes the highest first") {
  Fixture f;
  start_web(f, 3);
  const auto one = container_id(f, "demo-web-1"), two = container_id(f, "demo-web-2");
  auto before = f.engine.mutations().size();
  f.project.services[0].instances = 5;
  auto r = f.start();
  CHECK(r.exit_code() == 0);
  auto added = mutations_since(f, before);  // the new instances come up concurrently
  std::sort(added.begin(), added.end());
  CHECK(added ==
        std::vector<std::string>{"create demo-web-4", "create demo-web-5", "start demo-web-4", "start demo-web-5"});
  CHECK(f.outcome(r, "web").status == Phase::kept);

  before = f.engine.mutations().size();
  f.project.services[0].instances = 2;
  r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(mutations_since(f, before) ==
        std::vector<std::string>{"stop demo-web-5", "remove demo-web-5", "stop demo-web-4", "remove demo-web-4",
                                 "stop demo-web-3", "remove demo-web-3"});
  CHECK(container_id(f, "demo-web-1") == one);
  CHECK(container_id(f, "demo-web-2") == two);
  REQUIRE(r.outcomes.size() == 5);
  CHECK(r.outcomes[2].instance == 5);
  CHECK(r.outcomes[2].status == Phase::removed);
  CHECK(r.outcomes[2].reason == "instances = 2: scaled down");
  CHECK(f.hooks.calls().back() == "on_start(web)");
}

TEST_CASE("replicas: 1 -> 2 keeps the single container as instance 1; 2 -> 1 keeps instance 1") {
  Fixture f;
  start_web(f, 1);
  const auto single = container_id(f, "demo-web");
  auto before = f.engine.mutations().size();
  f.project.services[0].instances = 2;
  REQUIRE(f.start().exit_code() == 0);
  CHECK(mutations_since(f, before) == std::vector<std::string>{"create demo-web-2", "start demo-web-2"});
  CHECK(container_id(f, "demo-web") == single);
  before = f.engine.mutations().size();
  f.project.services[0].instances = 1;
  const auto r = f.start();
  CHECK(mutations_since(f, before) == std::vector<std::string>{"stop demo-web-2", "remove demo-web-2"});
  CHECK(r.outcomes[0].instance == 0);
  CHECK(r.outcomes[0].container_id == single);
}

TEST_CASE("replicas: stop stops every instance, reload replaces them all, status shows each") {
  Fixture f;
  start_web(f, 2);
  const auto one = container_id(f, "demo-web-1");

  auto report = f.runtime().status();
  REQUIRE(report.rows.size() == 2);
  CHECK(report.rows[0].instance == 1);
  CHECK(report.rows[0].container_name == "demo-web-1");
  CHECK(report.rows[1].instance == 2);
  f.project.services[0].instances = 3;  // instance 3 is defined but not made yet
  report = f.runtime().status();
  REQUIRE(report.rows.size() == 3);
  CHECK(report.rows[2].instance == 3);
  CHECK(report.rows[2].state == "absent");
  f.project.services[0].instances = 2;

  auto before = f.engine.mutations().size();
  const auto reloaded = f.reload({"web"});
  CHECK(reloaded.exit_code() == 0);
  const auto m = mutations_since(f, before);
  // Each instance new-first: made beside the running one, which it then renames into.
  CHECK(std::count(m.begin(), m.end(), std::string("create demo-web-1-next")) == 1);
  CHECK(std::count(m.begin(), m.end(), std::string("create demo-web-2-next")) == 1);
  CHECK(std::count(m.begin(), m.end(), std::string("rename demo-web-1-next demo-web-1")) == 1);
  CHECK(std::count(m.begin(), m.end(), std::string("rename demo-web-2-next demo-web-2")) == 1);
  CHECK(container_id(f, "demo-web-1") != one);

  const auto stopped = f.stop();
  CHECK(stopped.exit_code() == 0);
  REQUIRE(stopped.outcomes.size() == 2);
  CHECK(stopped.outcomes[1].instance == 2);
  CHECK_FALSE(f.engine.container_named("demo-web-1")->info.running());
  CHECK_FALSE(f.engine.container_named("demo-web-2")->info.running());
  CHECK(f.hooks.calls().back() == "on_stop(web)");
}

TEST_CASE("start: a cold start inspects each container after its start (image health check, ports) and at the end of its settle") {
  Fixture f;
  auto web = svc("web");
  web.ports = {{80, "tcp", 0}};
  f.project.services = {web, svc("db")};
  const auto r = f.start();
  REQUIRE(r.exit_code() == 0);
  const auto calls = f.engine.calls();
  const auto inspects = std::count_if(calls.begin(), calls.end(),
                                      [](const std::string& c) { return c.rfind("inspect ", 0) == 0; });
  CHECK(inspects == 4);  // an exit's event may lag behind the settle time: the engine is asked
  REQUIRE(f.outcome(r, "web").ports.size() == 1);
  CHECK(f.outcome(r, "web").ports[0].container_port == 80);
}
