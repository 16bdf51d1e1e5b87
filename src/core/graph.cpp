#include "core/graph.h"

#include <algorithm>
#include <functional>

namespace boss {

DependencyGraph::DependencyGraph(const Project& project) {
  for (const auto& s : project.services) {
    m_nodes.push_back(s.name);
    m_dependencies[s.name];
    m_dependents[s.name];
  }
  for (const auto& s : project.services) {
    for (const auto& dep : s.dependencies) {
      if (!m_dependencies.count(dep)) continue;
      auto& deps = m_dependencies[s.name];
      if (std::find(deps.begin(), deps.end(), dep) != deps.end()) continue;
      deps.push_back(dep);
      m_dependents[dep].push_back(s.name);
    }
  }
}

const std::vector<std::string>& DependencyGraph::dependencies(const std::string& service) const {
  static const std::vector<std::string> none;
  const auto it = m_dependencies.find(service);
  return it == m_dependencies.end() ? none : it->second;
}

const std::vector<std::string>& DependencyGraph::dependents(const std::string& service) const {
  static const std::vector<std::string> none;
  const auto it = m_dependents.find(service);
  return it == m_dependents.end() ? none : it->second;
}

std::set<std::string> DependencyGraph::closure(
    const std::set<std::string>& start, const std::map<std::string, std::vector<std::string>>& edges) const {
  std::set<std::string> seen;
  std::vector<std::string> stack(start.begin(), start.end());
  while (!stack.empty()) {
    auto name = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(name).second) continue;
    const auto it = edges.find(name);
    if (it == edges.end()) continue;
    for (const auto& next : it->second) stack.push_back(next);
  }
  return seen;
}

std::set<std::string> DependencyGraph::with_dependents(const std::set<std::string>& services) const {
  return closure(services, m_dependents);
}

std::set<std::string> DependencyGraph::with_dependencies(const std::set<std::string>& services) const {
  return closure(services, m_dependencies);
}

std::vector<std::string> DependencyGraph::topological_order() const {
  std::vector<std::string> order;
  std::set<std::string> placed;
  // Repeated passes in declaration order keep the output stable and readable; graphs
  // here are small (hundreds of nodes at most).
  bool progress = true;
  while (order.size() < m_nodes.size() && progress) {
    progress = false;
    for (const auto& node : m_nodes) {
      if (placed.count(node)) continue;
      const auto& deps = dependencies(node);
      if (std::all_of(deps.begin(), deps.end(), [&](const auto& d) { return placed.count(d) > 0; })) {
        order.push_back(node);
        placed.insert(node);
        progress = true;
      }
    }
  }
  return order;  // shorter than nodes() only when there is a cycle
}

std::vector<std::string> DependencyGraph::find_cycle() const {
  enum class Mark { none, active, done };
  std::map<std::string, Mark> mark;
  std::vector<std::string> path;
  std::vector<std::string> cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& node) {
    mark[node] = Mark::active;
    path.push_back(node);
    for (const auto& dep : dependencies(node)) {
      if (mark[dep] == Mark::active) {
        const auto start = std::find(path.begin(), path.end(), dep);
        cycle.assign(start, path.end());
        cycle.push_back(dep);
        return true;
      }
      if (mark[dep] == Mark::none && visit(dep)) return true;
    }
    path.pop_back();
    mark[node] = Mark::done;
    return false;
  };
  for (const auto& node : m_nodes)
    if (mark[node] == Mark::none && visit(node)) return cycle;
  return {};
}

}  // namespace boss
