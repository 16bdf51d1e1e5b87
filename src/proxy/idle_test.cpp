#include "proxy/idle.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("idle: stopped past its idle_timeout with nothing proxied; a dependency waits for its dependents") {
  Project p;
  ServiceSpec db;
  db.name = "db";
  db.on_demand = true;
  db.idle_timeout = 2;
  ServiceSpec web;
  web.name = "web";
  web.on_demand = true;
  web.idle_timeout = 10;
  web.dependencies = {"db"};
  p.services = {db, web};
  const auto t0 = UseClock::now();
  const std::set<std::string> running{"db", "web"};
  ServiceUses uses{{"db", {0, t0}}, {"web", {0, t0}}};
  CHECK(idle_services(p, uses, running, t0 + std::chrono::seconds(1), t0).empty());
  // db is past its 2 s, but stopping it stops web, which is not past its 10 s.
  CHECK(idle_services(p, uses, running, t0 + std::chrono::seconds(3), t0).empty());
  CHECK(idle_services(p, uses, running, t0 + std::chrono::seconds(11), t0) == std::vector<std::string>{"db", "web"});
  uses["web"].open = 1;  // a download under way
  CHECK(idle_services(p, uses, running, t0 + std::chrono::seconds(60), t0).empty());
  CHECK(stopped_with(p, "db", running) == std::set<std::string>{"db", "web"});
  uses["web"].open = 0;
  CHECK(next_idle_check(p, uses, t0) == t0 + std::chrono::seconds(2));
}
