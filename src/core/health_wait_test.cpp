#include "core/health_wait.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::FakeEngine;
using boss::testing::Fixture;
using boss::testing::ping_value;
using boss::testing::svc;

namespace {

HealthCheck check_of(std::vector<std::string> test) {
  HealthCheck check;
  check.test = std::move(test);
  return check;
}

// Starts the project on a thread of its own; the test plays the engine's health checks.
struct Background {
  Fixture& f;
  CommandResult result;
  std::thread thread;
  explicit Background(Fixture& fixture, double timeout = 5) : f(fixture) {
    thread = std::thread([this, timeout] { result = f.start({}, timeout); });
  }
  CommandResult& join() {
    thread.join();
    return result;
  }
};

std::string id_of(Fixture& f, const std::string& service) {
  return f.engine.container_named("demo-" + service)->info.id;
}

}  // namespace

TEST_CASE("health: a dependent is started only after its dependency's health check passes") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "pg_isready"});
  f.project.services = {svc("web", {"db"}), db};
  Background start(f);
  f.engine.wait_for_call("start demo-db");  // db waits for its verdict
  // Created ahead (create_ahead.h), not started.
  const auto waiting = f.engine.mutations();
  CHECK(f.index_of(waiting, "start demo-web") == waiting.size());
  f.engine.set_health(id_of(f, "db"), "healthy");
  const auto& r = start.join();
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(f.index_of(m, "start demo-db") < f.index_of(m, "start demo-web"));
  CHECK(f.events.phases("db") == "creating starting waiting up");
  // Sent on create, as the engine takes it.
  CHECK(f.engine.container_named("demo-db")->spec.healthcheck->test == std::vector<std::string>{"CMD", "pg_isready"});
}

TEST_CASE("health: unhealthy fails the service with the check's output and skips its dependents") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD-SHELL", "exit 1"});
  f.project.services = {svc("web", {"db"}), db};
  Background start(f);
  f.engine.wait_for_call("start demo-db");
  f.engine.set_health(id_of(f, "db"), "unhealthy", "connection refused\n  port 5432\n");
  const auto& r = start.join();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "db").status == Phase::failed);
  CHECK(f.outcome(r, "db").reason == "unhealthy: connection refused port 5432");
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK_FALSE(f.engine.container_named("demo-web"));
}

TEST_CASE("health: the image's own check gates too; healthcheck = false turns it off") {
  Fixture f;
  f.engine.add_image("checked", "sha256:ck");
  f.engine.image_health["checked"] = "starting";
  auto db = svc("db", {}, "checked");
  auto plain = svc("plain", {}, "checked");
  plain.healthcheck = disabled_healthcheck();
  f.project.services = {db, plain, svc("web", {"db"})};
  Background start(f);
  f.engine.wait_for_call("start demo-db");
  f.engine.set_health(id_of(f, "db"), "healthy");
  const auto& r = start.join();
  CHECK(r.exit_code() == 0);
  CHECK(f.events.phases("plain") == "creating starting waiting up");
  CHECK(f.engine.container_named("demo-plain")->health.empty());
  CHECK(f.engine.container_named("demo-plain")->spec.healthcheck->test == std::vector<std::string>{"NONE"});
}

TEST_CASE("health: a verdict reached before boss subscribed is seen by its one inspect") {
  Fixture f;
  f.engine.add_image("quick", "sha256:q");
  f.engine.image_health["quick"] = "healthy";  // no event will come
  f.project.services = {svc("db", {}, "quick"), svc("web", {"db"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.events.phases("db") == "creating starting waiting up");
}

TEST_CASE("health: with a ping too, up only after healthy and then the ping") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "true"});
  db.has_ping = true;
  db.ping_interval = 0.01;
  f.project.services = {db};
  Background start(f);
  f.engine.wait_for_call("start demo-db");
  CHECK(f.hooks.calls().empty());  // no ping before healthy
  f.engine.set_health(id_of(f, "db"), "healthy");
  const auto& r = start.join();
  CHECK(r.exit_code() == 0);
  CHECK(f.hooks.calls().front() == "db.ping");
}

TEST_CASE("health: a timeout names the status; the wait says so while it lasts") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "true"});
  f.project.services = {db};
  const auto r = f.start({}, 0.3);
  CHECK(f.outcome(r, "db").reason == "not healthy after 0.3 s (health: starting)");
}

TEST_CASE("health: a container that dies while starting fails with its exit code") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "true"});
  f.project.services = {db};
  Background start(f);
  f.engine.wait_for_call("start demo-db");
  f.engine.exit_container(id_of(f, "db"), 3);
  const auto& r = start.join();
  CHECK(f.outcome(r, "db").reason == "container exited with code 3 before it was healthy");
  CHECK(f.outcome(r, "db").exit_code == 3);
}

TEST_CASE("health: an engine that runs checks only when asked is asked at the check's interval") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "pg_isready"});
  db.healthcheck->interval = 0.02;
  f.project.services = {svc("web", {"db"}), db};
  int runs = 0;
  f.engine.health_runner = [&](FakeEngine::Container& c) {
    c.health = ++runs < 3 ? "starting" : "healthy";
    return c.health;
  };
  const auto r = f.start({}, 5);
  CHECK(r.exit_code() == 0);
  CHECK(runs == 3);
  const auto m = f.engine.calls();
  const auto id = id_of(f, "db");
  CHECK(std::count(m.begin(), m.end(), "healthcheck " + id) == 3);
  CHECK(f.events.phases("db") == "creating starting waiting up");
  CHECK(f.outcome(r, "web").status == Phase::up);
}

TEST_CASE("health: a check run that says unhealthy fails the service with the check's output") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "false"});
  db.healthcheck->interval = 0.01;
  f.project.services = {db};
  f.engine.health_runner = [&](FakeEngine::Container& c) {
    c.health = "unhealthy";
    c.health_log = "no server\n";
    return c.health;
  };
  const auto r = f.start({}, 5);
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "db").reason == "unhealthy: no server");
}

TEST_CASE("health: a failed run while the container is still starting (podman's start period) is not a verdict") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "pg_isready"});
  db.healthcheck->interval = 0.01;
  f.project.services = {db};
  int runs = 0;
  f.engine.health_runner = [&](FakeEngine::Container& c) {
    if (++runs < 3) {
      c.health = "starting";  // the start period: failures do not count
      return std::string("unhealthy");
    }
    c.health = "healthy";
    return c.health;
  };
  const auto r = f.start({}, 5);
  CHECK(r.exit_code() == 0);
  CHECK(runs == 3);
}

TEST_CASE("health: an engine that runs its checks itself is asked once, then only listened to") {
  Fixture f;
  auto db = svc("db");
  db.healthcheck = check_of({"CMD", "true"});
  db.healthcheck->interval = 0.01;
  f.project.services = {db};
  Background start(f);
  f.engine.wait_for_call("start demo-db");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // several intervals
  f.engine.set_health(id_of(f, "db"), "healthy");
  const auto& r = start.join();
  CHECK(r.exit_code() == 0);
  const auto m = f.engine.calls();
  CHECK(std::count_if(m.begin(), m.end(), [](const std::string& c) { return c.rfind("healthcheck ", 0) == 0; }) == 0);
}

TEST_CASE("health: unhealthy_reason keeps the output on one capped line") {
  CHECK(unhealthy_reason("") == "unhealthy (its health check printed nothing)");
  CHECK(unhealthy_reason("a\n\nb  c\n") == "unhealthy: a b c");
  CHECK(unhealthy_reason(std::string(400, 'x')).size() == std::string("unhealthy: ").size() + 303);
}
