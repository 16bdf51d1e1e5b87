#include "proxy/budget.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

Project three(std::int64_t each) {
  Project p;
  p.name = "app";
  for (const char* name : {"a", "b", "c"}) {
    ServiceSpec s;
    s.name = name;
    s.on_demand = true;
    s.mem_limit = each;
    p.services.push_back(s);
  }
  return p;
}

constexpr std::int64_t kMiB = 1024 * 1024;

}  // namespace

TEST_CASE("budget: the least recently used idle service is stopped to make room") {
  const Project p = three(64 * kMiB);
  const auto t0 = UseClock::now();
  ServiceUses uses{{"a", {0, t0 + std::chrono::seconds(5)}}, {"b", {0, t0 + std::chrono::seconds(1)}}};
  const auto plan = plan_budget(p, 150 * kMiB, {"c"}, {"a", "b"}, uses, t0);
  CHECK(plan.admitted == std::vector<std::string>{"c"});
  CHECK(plan.evicted == std::vector<std::string>{"b"});
  CHECK(plan.refused.empty());
}

TEST_CASE("budget: busy services are never stopped; a service over the whole budget is refused") {
  const Project p = three(64 * kMiB);
  const auto t0 = UseClock::now();
  ServiceUses uses{{"a", {1, t0}}, {"b", {1, t0}}};
  auto plan = plan_budget(p, 150 * kMiB, {"c"}, {"a", "b"}, uses, t0);
  CHECK(plan.admitted.empty());
  CHECK(plan.evicted.empty());
  CHECK(plan.refused.at("c") ==
        "service 'c' needs 64m but only 22m of the --memory-budget 150m is free and the rest is in use by a (64m), b (64m)");
  plan = plan_budget(p, 32 * kMiB, {"c"}, {}, uses, t0);
  CHECK(plan.refused.at("c") == "service 'c' needs 64m (mem_limit), more than the whole --memory-budget 32m");
}

TEST_CASE("budget: every on-demand service needs a mem_limit") {
  Project p = three(64 * kMiB);
  CHECK(check_budget(p).empty());
  p.services[1].mem_limit.reset();
  CHECK(check_budget(p) == "--memory-budget: on-demand service 'b' has no mem_limit (the budget counts each on-demand service's mem_limit)");
}

TEST_CASE("budget: every template needs a mem_limit too") {
  Project p = three(64 * kMiB);
  ServiceSpec t;
  t.name = "viz";
  t.is_template = true;
  p.templates = {t};
  CHECK(check_budget(p) == "--memory-budget: template 'viz' has no mem_limit (the budget counts each launched container's mem_limit)");
  p.templates[0].mem_limit = 64 * kMiB;
  CHECK(check_budget(p).empty());
}
