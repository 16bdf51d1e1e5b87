#include "core/create_ahead.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::Fixture;
using boss::testing::svc;

namespace {

HealthCheck gated() {
  HealthCheck check;
  check.test = {"CMD", "true"};
  return check;
}

// db (with a health check the test answers) <- web: web waits while db is unhealthy.
void gated_pair(Fixture& f, ServiceSpec web = svc("web", {"db"})) {
  auto db = svc("db");
  db.healthcheck = gated();
  f.project.services = {db, std::move(web)};
}

// Waits (bounded) until `name` exists on the fake engine.
bool appears(Fixture& f, const std::string& name) {
  for (int i = 0; i < 500; ++i) {
    if (f.engine.container_named(name)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A start of gated_pair's project on a thread of its own, once db waits for its health.
struct GatedStart {
  Fixture& f;
  CommandResult result;
  std::thread thread;
  explicit GatedStart(Fixture& fixture) : f(fixture) {
    thread = std::thread([this] { result = f.start(); });
    f.engine.wait_for_call("start demo-db");
  }
  CommandResult& join() {
    thread.join();
    return result;
  }
};

std::string id_of(Fixture& f, const std::string& name) { return f.engine.container_named(name)->info.id; }

const Decision& decision_of(const Plan& plan, const std::string& service) {
  for (const auto& d : plan.services)
    if (d.service == service) return d;
  FAIL("no decision for " << service);
  return plan.services.front();
}

}  // namespace

TEST_CASE("create ahead: the rule") {
  Decision create;
  create.kind = ActionKind::create;
  const auto web = svc("web", {"db"});
  CHECK(can_create_ahead(web, create, true));
  CHECK_FALSE(can_create_ahead(web, create, false));  // its turn comes at once: nothing to gain

  auto with_pre_start = web;
  with_pre_start.has_pre_start = true;
  CHECK_FALSE(can_create_ahead(with_pre_start, create, true));
  auto with_did_run = web;
  with_did_run.has_did_run = true;
  CHECK_FALSE(can_create_ahead(with_did_run, create, true));
  auto reads_context = web;
  reads_context.env["DB_URL"] = "postgres://{db_host}/app";  // a dependency's hook may set it
  CHECK_FALSE(can_create_ahead(reads_context, create, true));
  auto cmd_reads_context = web;
  cmd_reads_context.cmd = std::vector<std::string>{"serve", "--port={port}"};
  CHECK_FALSE(can_create_ahead(cmd_reads_context, create, true));

  Decision recreate = create;
  recreate.kind = ActionKind::recreate;  // the old container holds its name until its turn
  CHECK_FALSE(can_create_ahead(web, recreate, true));
  Decision with_stale = create;
  with_stale.remove = {"abc"};
  CHECK_FALSE(can_create_ahead(web, with_stale, true));
  Decision keep = create;
  keep.kind = ActionKind::keep;
  CHECK_FALSE(can_create_ahead(web, keep, true));
}

TEST_CASE("create ahead: the plan marks what waits for work, --dry-run's JSON says so") {
  Fixture f;
  f.project.services = {svc("db"), svc("app", {"db"}), svc("web", {"app"})};
  auto plan = f.runtime().plan_start({});
  CHECK_FALSE(decision_of(plan, "db").create_ahead);  // nothing to wait for
  CHECK(decision_of(plan, "app").create_ahead);
  CHECK(decision_of(plan, "web").create_ahead);  // through app, on db

  // Once db and app are up, a new web has nothing to wait for.
  REQUIRE(f.start().exit_code() == 0);
  f.engine.remove_container(id_of(f, "demo-web"));
  plan = f.runtime().plan_start({});
  CHECK(decision_of(plan, "db").kind == ActionKind::keep);
  CHECK(decision_of(plan, "web").kind == ActionKind::create);
  CHECK_FALSE(decision_of(plan, "web").create_ahead);

  // db made again: web waits on it through app, which is kept.
  f.engine.remove_container(id_of(f, "demo-db"));
  plan = f.runtime().plan_start({});
  REQUIRE(decision_of(plan, "db").kind == ActionKind::create);
  REQUIRE(decision_of(plan, "app").kind == ActionKind::keep);
  CHECK(decision_of(plan, "web").create_ahead);
}

TEST_CASE("create ahead: a layered project's plan marks every layer above the first") {
  Fixture f;
  std::vector<std::string> below;
  for (int layer = 0; layer < 6; ++layer) {
    std::vector<std::string> here;
    for (int i = 0; i < 6; ++i) {
      here.push_back("l" + std::to_string(layer) + "s" + std::to_string(i));
      f.project.services.push_back(svc(here.back(), below));
    }
    below = here;
  }
  const auto plan = f.runtime().plan_start({});
  for (const auto& d : plan.services) CHECK(d.create_ahead == (d.service.rfind("l0", 0) != 0));
}

TEST_CASE("create ahead: a job's dependents are created only once it succeeded") {
  Fixture f;
  auto migrate = svc("migrate");
  migrate.is_job = true;
  f.project.services = {migrate, svc("web", {"migrate"}), svc("later", {"web"})};
  const auto plan = f.runtime().plan_start({});
  CHECK_FALSE(decision_of(plan, "web").create_ahead);
  CHECK(decision_of(plan, "later").create_ahead);  // waits on web, a service
}

TEST_CASE("create ahead: the dependent's container is made while its dependency is not ready, started after") {
  Fixture f;
  gated_pair(f);
  GatedStart start(f);  // db waits for its health
  CHECK(appears(f, "demo-web"));
  const auto before = f.engine.mutations();
  CHECK(f.index_of(before, "start demo-web") == before.size());  // made, not started
  f.engine.set_health(id_of(f, "demo-db"), "healthy");
  const auto& r = start.join();
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(f.index_of(m, "start demo-db") < f.index_of(m, "start demo-web"));
  CHECK(std::count(m.begin(), m.end(), "create demo-web") == 1);  // taken, not made again
  CHECK(f.outcome(r, "web").status == Phase::up);
  CHECK(f.events.phases("web").find("creating") != std::string::npos);
}

TEST_CASE("create ahead: a failed dependency leaves no container made ahead behind") {
  Fixture f;
  gated_pair(f);
  GatedStart start(f);
  REQUIRE(appears(f, "demo-web"));
  f.engine.set_health(id_of(f, "demo-db"), "unhealthy", "db is broken");
  const auto& r = start.join();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK_FALSE(f.engine.container_named("demo-web"));  // removed
  CHECK(f.pending("web").container_id.empty());       // and forgotten by the journal
}

TEST_CASE("create ahead: Ctrl-C while the dependency comes up removes the container made ahead") {
  Fixture f;
  gated_pair(f);
  GatedStart start(f);
  REQUIRE(appears(f, "demo-web"));
  f.cancel->request();
  const auto& r = start.join();
  CHECK(r.interrupted);
  CHECK_FALSE(f.engine.container_named("demo-web"));
}

TEST_CASE("create ahead: a service whose definition reads the context is created in its turn, filled") {
  Fixture f;
  auto db = svc("db");
  db.has_post_start = true;
  auto web = svc("web", {"db"});
  web.env["DB"] = "{db_host}";
  f.project.services = {db, web};
  f.hooks.on("db", Hook::post_start, [&](const std::string&) {
    f.context.set("db_host", std::string("db.internal"), "db");
    return HookResult{};
  });
  CHECK_FALSE(decision_of(f.runtime().plan_start({}), "web").create_ahead);
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(f.index_of(m, "start demo-db") < f.index_of(m, "create demo-web"));
  CHECK(f.engine.container_named("demo-web")->spec.env.at("DB") == "db.internal");
}
