// The dependency graph of a project's services: plain data and queries, no decisions.
// Edges point from a service to the services it depends on.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/project.h"

namespace boss {

class DependencyGraph {
 public:
  // Unknown dependency names are ignored here; validate_project reports them.
  explicit DependencyGraph(const Project& project);

  const std::vector<std::string>& nodes() const { return m_nodes; }
  const std::vector<std::string>& dependencies(const std::string& service) const;
  const std::vector<std::string>& dependents(const std::string& service) const;

  // `services` plus everything that (transitively) depends on them.
  std::set<std::string> with_dependents(const std::set<std::string>& services) const;
  // `services` plus everything they (transitively) depend on.
  std::set<std::string> with_dependencies(const std::set<std::string>& services) const;
  // Dependencies first; ties keep declaration order.
  std::vector<std::string> topological_order() const;
  // A dependency cycle as a closed path ["a", "b", "c", "a"], or empty if there is none.
  std::vector<std::string> find_cycle() const;

 private:
  std::set<std::string> closure(const std::set<std::string>& start,
                                const std::map<std::string, std::vector<std::string>>& edges) const;

  std::vector<std::string> m_nodes;
  std::map<std::string, std::vector<std::string>> m_dependencies;
  std::map<std::string, std::vector<std::string>> m_dependents;
};

}  // namespace boss
