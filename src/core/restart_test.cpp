// pre_stop, stop_timeout and restart, on the FakeEngine.
#include <doctest/doctest.h>

#include "core/errors.h"
#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::Fixture;
using boss::testing::svc;

namespace {

HookResult failing(const std::string& error) { return {HookResult::Status::error, false, error, ""}; }

std::vector<std::string> warnings(const Fixture& f) {
  std::vector<std::string> out;
  for (const auto& w : f.events.all<WarningEvent>()) out.push_back(w.text);
  return out;
}

CommandResult restart(Fixture& f, std::vector<std::string> services = {}) {
  RestartRequest request;
  request.services = std::move(services);
  request.timeout = 5;
  return f.runtime().restart(request);
}

}  // namespace

TEST_CASE("pre_stop: runs on the running container before stop, dependents first") {
  Fixture f;
  auto db = svc("db"), web = svc("web", {"db"});
  db.has_pre_stop = web.has_pre_stop = true;
  f.project.services = {db, web};
  REQUIRE(f.start().exit_code() == 0);
  std::vector<std::string> seen;
  for (const auto* name : {"db", "web"})
    f.hooks.on(name, Hook::pre_stop, [&, name = std::string(name)](const std::string& container) {
      seen.push_back(name + " " + (f.engine.inspect_container(container)->running ? "running" : "stopped"));
      return HookResult{};
    });
  const auto r = f.stop();
  CHECK(r.exit_code() == 0);
  CHECK(seen == std::vector<std::string>{"web running", "db running"});
  CHECK(f.events.phases("web").ends_with("up pre_stop stopping stopped"));
}

TEST_CASE("pre_stop: a failure is a warning in the outcome, and the container is stopped all the same") {
  Fixture f;
  auto web = svc("web");
  web.has_pre_stop = true;
  f.project.services = {web};
  REQUIRE(f.start().exit_code() == 0);
  f.hooks.on("web", Hook::pre_stop, [](const std::string&) { return failing("services.lua:9: drain failed"); });
  const auto r = f.stop();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "web").status == Phase::stopped);
  CHECK(f.outcome(r, "web").reason == "pre_stop failed: services.lua:9: drain failed");
  CHECK(warnings(f) ==
        std::vector<std::string>{"service 'web': pre_stop failed: services.lua:9: drain failed; stopping it all the same"});
  CHECK_FALSE(f.engine.container_named("demo-web")->info.running());
}

TEST_CASE("pre_stop: runs before a changed service's old container is replaced, not for a stopped one") {
  Fixture f;
  auto web = svc("web");
  web.has_pre_stop = true;
  f.project.services = {web};
  REQUIRE(f.start().exit_code() == 0);
  f.project.services[0].env["A"] = "1";
  auto r = f.start();
  CHECK(f.outcome(r, "web").action == ActionKind::recreate);
  CHECK(f.hooks.calls() == std::vector<std::string>{"on_start(web)", "web.pre_stop", "on_start(web)"});
  f.stop();
  f.project.services[0].env["A"] = "2";
  r = f.start();
  CHECK(f.outcome(r, "web").action == ActionKind::recreate);
  const auto calls = f.hooks.calls();
  CHECK(std::count(calls.begin(), calls.end(), "web.pre_stop") == 2);  // the stop's, not the stopped one's
}

TEST_CASE("stop_timeout: each service's own grace, unless stop --timeout gives one for all") {
  Fixture f;
  auto slow = svc("slow");
  slow.stop_timeout = 30;
  f.project.services = {slow, svc("quick")};
  REQUIRE(f.start().exit_code() == 0);
  StopRequest request;
  f.runtime().stop(request);
  CHECK(f.engine.stop_grace("demo-slow") == 30);
  CHECK(f.engine.stop_grace("demo-quick") == kDefaultStopTimeout);
  REQUIRE(f.start().exit_code() == 0);
  request.timeout = 0;
  f.runtime().stop(request);
  CHECK(f.engine.stop_grace("demo-slow") == 0);
  CHECK(f.engine.container_named("demo-slow")->spec.stop_timeout == 30);  // sent on create
}

TEST_CASE("restart: dependencies first, each ready again first; pre_stop runs, pre_start/post_start do not") {
  Fixture f;
  auto db = svc("db"), web = svc("web", {"db"});
  db.has_pre_start = db.has_post_start = db.has_pre_stop = db.has_ping = true;
  web.has_pre_stop = true;
  f.project.services = {web, db};
  REQUIRE(f.start().exit_code() == 0);
  const auto before = f.hooks.calls().size();
  const auto r = restart(f);
  CHECK(r.exit_code() == 0);
  CHECK(r.command == "restart");
  const auto all = f.hooks.calls();
  CHECK(std::vector<std::string>(all.begin() + before, all.end()) ==
        std::vector<std::string>{"db.pre_stop", "db.ping", "web.pre_stop"});
  const auto m = f.engine.mutations();
  const auto from = m.end() - 4;
  CHECK(std::vector<std::string>(from, m.end()) ==
        std::vector<std::string>{"stop demo-db", "start demo-db", "stop demo-web", "start demo-web"});
  CHECK(f.outcome(r, "db").status == Phase::up);
  CHECK(f.outcome(r, "db").action == ActionKind::restart);
  CHECK(f.events.phases("db").ends_with("pre_stop stopping starting waiting up"));
}

TEST_CASE("restart: a stopped service is started; one without a container fails and skips its dependents") {
  Fixture f;
  f.project.services = {svc("db"), svc("web", {"db"})};
  REQUIRE(f.start().exit_code() == 0);
  f.stop(false, {"web"});
  auto r = restart(f, {"web"});
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "web").action == ActionKind::start);
  CHECK(r.outcomes.size() == 1);
  f.stop(true);
  r = restart(f);
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "db").reason == "no container to restart (`boss start` creates it)");
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK(f.engine.containers().empty());
  CHECK_THROWS_WITH_AS(restart(f, {"wbe"}), "restart: unknown service 'wbe' (did you mean 'web'?)", DefinitionError);
}

TEST_CASE("restart: of all services leaves out a service of an inactive profile unless it runs") {
  Fixture f;
  auto debugger = svc("debugger", {"db"});
  debugger.profiles = {"debug"};
  f.project.services = {svc("db"), debugger};
  REQUIRE(f.start().exit_code() == 0);
  REQUIRE(f.engine.containers().size() == 1);
  auto r = restart(f);
  CHECK(r.exit_code() == 0);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(f.outcome(r, "db").action == ActionKind::restart);
  // Named, it is restarted as any service (and fails: it has no container).
  CHECK(restart(f, {"debugger"}).exit_code() == 1);
  // Started with its profile, a restart of all restarts it too.
  StartRequest with_profile;
  with_profile.profiles.active = {"debug"};
  REQUIRE(f.runtime().start(with_profile).exit_code() == 0);
  r = restart(f);
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "debugger").action == ActionKind::restart);
}

TEST_CASE("on demand: start of all leaves it out; restart of all restarts it only once it runs") {
  Fixture f;
  auto lazy = svc("lazy", {"db"});
  lazy.on_demand = true;
  f.project.services = {svc("db"), lazy};
  auto r = f.start();
  REQUIRE(r.exit_code() == 0);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].service == "db");
  CHECK(f.runtime().plan_start({}).on_demand == std::vector<std::string>{"lazy"});
  r = restart(f);
  CHECK(r.exit_code() == 0);
  REQUIRE(r.outcomes.size() == 1);
  StartRequest named;
  named.services = {"lazy"};
  REQUIRE(f.runtime().start(named).exit_code() == 0);
  CHECK(f.engine.containers().size() == 2);
  r = restart(f);
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "lazy").action == ActionKind::restart);
}
