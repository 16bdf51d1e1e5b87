#include "core/selection.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

using Names = std::vector<std::string>;

ServiceSpec service(const std::string& name, Names deps = {}, Names profiles = {}, std::set<std::string> optional = {}) {
  ServiceSpec s;
  s.name = name;
  s.image = "img";
  s.dependencies = std::move(deps);
  s.profiles = std::move(profiles);
  s.optional_dependencies = std::move(optional);
  return s;
}

Project project(std::vector<ServiceSpec> services) {
  Project p;
  p.name = "demo";
  p.services = std::move(services);
  return p;
}

ProfileChoice active(Names profiles, std::string source = "--profile") { return {std::move(profiles), std::move(source)}; }

}  // namespace

TEST_CASE("profiles: a service with profiles starts only when one is active, or when it is named") {
  const auto p = project({service("db"), service("web", {"db"}), service("debugger", {}, {"debug"}),
                          service("tracer", {"web"}, {"debug", "trace"})});
  CHECK(select_for_start(p, {}, {}) == Names{"db", "web"});
  CHECK(select_for_start(p, {}, {}, active({"debug"})) == Names{"db", "web", "debugger", "tracer"});
  CHECK(select_for_start(p, {}, {}, active({"trace"})) == Names{"db", "web", "tracer"});
  CHECK(select_for_start(p, {"debugger"}, {}) == Names{"debugger"});
  CHECK(select_for_start(p, {"tracer"}, {}) == Names{"db", "web", "tracer"});
  CHECK(select_for_start(p, {}, {"debugger"}, active({"debug"})) == Names{"db", "web", "tracer"});
  CHECK(inactive_services(p, {}, {}) == Names{"debugger", "tracer"});
  CHECK(inactive_services(p, {}, active({"trace"})) == Names{"debugger"});
  CHECK(inactive_services(p, {"web"}, {}).empty());
}

TEST_CASE("profiles: depending on an inactive service is an error naming both, unless optional") {
  const auto p = project({service("metrics", {}, {"ops", "debug"}), service("db"),
                          service("web", {"db", "metrics"}), service("api", {"db", "metrics"}, {}, {"metrics"})});
  const std::string hint = " are not active: activate one (--profile), name it, or make the dependency optional "
                           "({ \"metrics\", optional = true })";
  CHECK_THROWS_WITH_AS(select_for_start(p, {}, {}), ("service 'web' depends on 'metrics', whose profiles (debug, ops)" + hint).c_str(),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(select_for_start(p, {"web"}, {}),
                       ("service 'web' depends on 'metrics', whose profiles (debug, ops)" + hint).c_str(), DefinitionError);
  // Optional: left out while inactive, started first once active.
  CHECK(select_for_start(p, {"api"}, {}) == Names{"db", "api"});
  CHECK(select_for_start(p, {}, {"web"}) == Names{"db", "api"});
  CHECK(select_for_start(p, {"api"}, {}, active({"ops"})) == Names{"metrics", "db", "api"});
  CHECK(select_for_start(p, {}, {}, active({"ops"})) == Names{"metrics", "db", "web", "api"});
  // Named, it is active for the start.
  CHECK(select_for_start(p, {"web", "metrics"}, {}) == Names{"metrics", "db", "web"});
  // An optional dependency may be excluded; a required one may not.
  CHECK(select_for_start(p, {"api"}, {"metrics"}, active({"ops"})) == Names{"db", "api"});
  CHECK_THROWS_WITH(select_for_start(p, {"web"}, {"metrics"}, active({"ops"})),
                    "cannot exclude 'metrics': service 'web' depends on it");
}

TEST_CASE("profiles: an unknown profile is an error with a suggestion, naming where it came from") {
  const auto p = project({service("db"), service("debugger", {}, {"debug"}), service("m", {}, {"metrics"})});
  CHECK_THROWS_WITH_AS(select_for_start(p, {}, {}, active({"debgu"})),
                       "--profile: unknown profile 'debgu' (did you mean 'debug'?); profiles: debug, metrics",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(select_for_start(p, {}, {}, active({"zzzzzz"}, "BOSS_PROFILES")),
                       "BOSS_PROFILES: unknown profile 'zzzzzz'; profiles: debug, metrics", DefinitionError);
  CHECK_THROWS_WITH_AS(select_for_start(project({service("db")}), {}, {}, active({"x"})),
                       "--profile: unknown profile 'x'; no service lists a profile", DefinitionError);
  CHECK_THROWS_WITH_AS(inactive_services(p, {}, active({"debgu"})),
                       "--profile: unknown profile 'debgu' (did you mean 'debug'?); profiles: debug, metrics",
                       DefinitionError);
}

TEST_CASE("on demand: left out of a start of all, unless a started service depends on it; named, it starts") {
  auto lazy = service("lazy");
  lazy.on_demand = true;
  auto cache = service("cache");
  cache.on_demand = true;
  auto viz = service("viz", {"cache"});
  viz.on_demand = true;
  auto api = service("api", {"shared"});
  auto shared = service("shared");
  shared.on_demand = true;
  const auto p = project({service("db"), lazy, cache, viz, shared, api});
  CHECK(select_for_start(p, {}, {}) == Names{"db", "shared", "api"});
  CHECK(on_demand_left_out(p, {}, {}, {}) == Names{"lazy", "cache", "viz"});
  CHECK(select_for_start(p, {"viz"}, {}) == Names{"cache", "viz"});
  CHECK(on_demand_left_out(p, {"viz"}, {}, {}).empty());
  CHECK(select_for_start(p, {"lazy"}, {}) == Names{"lazy"});
  // Excluding the service that needs it leaves the on-demand dependency out too.
  CHECK(select_for_start(p, {}, {"api"}) == Names{"db"});
  CHECK(on_demand_left_out(p, {}, {"api"}, {}) == Names{"lazy", "cache", "viz", "shared"});
}
