#include "core/graph.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {
Project project_of(std::vector<std::pair<std::string, std::vector<std::string>>> services) {
  Project p;
  p.name = "t";
  for (auto& [name, deps] : services) {
    ServiceSpec s;
    s.name = name;
    s.image = "img";
    s.dependencies = deps;
    p.services.push_back(s);
  }
  return p;
}
}  // namespace

TEST_CASE("graph: topological order puts dependencies first and keeps declaration order for ties") {
  const auto p = project_of({{"web", {"db", "cache"}}, {"worker", {"db"}}, {"db", {}}, {"cache", {}}});
  const DependencyGraph g(p);
  CHECK(g.topological_order() == std::vector<std::string>{"db", "cache", "web", "worker"});
  CHECK(g.dependents("db") == std::vector<std::string>{"web", "worker"});
}

TEST_CASE("graph: transitive closures in both directions") {
  const auto p = project_of({{"a", {}}, {"b", {"a"}}, {"c", {"b"}}, {"d", {}}, {"e", {"d", "a"}}});
  const DependencyGraph g(p);
  CHECK(g.with_dependents({"a"}) == std::set<std::string>{"a", "b", "c", "e"});
  CHECK(g.with_dependencies({"c"}) == std::set<std::string>{"a", "b", "c"});
  CHECK(g.with_dependencies({"e"}) == std::set<std::string>{"a", "d", "e"});
}

TEST_CASE("graph: finds a cycle as a closed path") {
  const auto p = project_of({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {}}});
  const auto cycle = DependencyGraph(p).find_cycle();
  CHECK(cycle == std::vector<std::string>{"a", "b", "c", "a"});
  CHECK(DependencyGraph(project_of({{"a", {}}, {"b", {"a"}}})).find_cycle().empty());
}

TEST_CASE("graph: a diamond is ordered without duplicates") {
  const auto p = project_of({{"top", {"left", "right"}}, {"left", {"base"}}, {"right", {"base"}}, {"base", {}}});
  const DependencyGraph g(p);
  CHECK(g.topological_order() == std::vector<std::string>{"base", "left", "right", "top"});
  CHECK(g.find_cycle().empty());
}
