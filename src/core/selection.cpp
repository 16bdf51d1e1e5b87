#include "core/selection.h"

#include <algorithm>
#include <set>

#include "core/graph.h"
#include "core/validate.h"

namespace boss {
namespace {

std::set<std::string> checked(const Project& project, const std::vector<std::string>& names, const std::string& what) {
  check_service_names(project, names, what);
  return {names.begin(), names.end()};
}

// Naming a service and excluding it in one command asks for two opposite things.
void check_not_both(const std::set<std::string>& targets, const std::set<std::string>& excluded,
                    const std::string& command) {
  for (const auto& name : targets)
    if (excluded.count(name))
      throw DefinitionError(command + ": service '" + name + "' is both named and excluded (--exclude " + name + ")");
}

}  // namespace

DefinitionError unknown_service(const Project& project, const std::string& name, const std::string& what) {
  const auto hint = did_you_mean(name, project.names());
  return DefinitionError(what + ": unknown service '" + name + "'" +
                         (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

void check_service_names(const Project& project, const std::vector<std::string>& names, const std::string& what) {
  for (const auto& name : names)
    if (!project.find(name)) throw unknown_service(project, name, what);
}

std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& targets,
                                          const std::vector<std::string>& exclude) {
  const auto excluded = checked(project, exclude, "--exclude");
  const auto named = checked(project, targets, "start");
  check_not_both(named, excluded, "start");
  const DependencyGraph graph(project);
  const auto wanted = graph.with_dependencies(named);
  std::vector<std::string> out;
  for (const auto& name : graph.topological_order()) {
    if (excluded.count(name) || (!named.empty() && !wanted.count(name))) continue;
    for (const auto& dep : graph.dependencies(name))
      if (excluded.count(dep))
        throw DefinitionError("cannot exclude '" + dep + "': service '" + name + "' depends on it");
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> select_for_stop(const Project& project, const std::vector<std::string>& targets,
                                         const std::vector<std::string>& exclude) {
  const auto excluded = checked(project, exclude, "--exclude");
  const auto named = checked(project, targets, "stop");
  check_not_both(named, excluded, "stop");
  const DependencyGraph graph(project);
  const auto wanted = graph.with_dependents(named);
  auto order = graph.topological_order();
  std::reverse(order.begin(), order.end());
  std::vector<std::string> out;
  for (const auto& name : order) {
    if (excluded.count(name) || (!named.empty() && !wanted.count(name))) continue;
    for (const auto& dependent : graph.dependents(name))
      if (excluded.count(dependent))
        throw DefinitionError("cannot stop '" + name + "': excluded service '" + dependent + "' depends on it");
    out.push_back(name);
  }
  return out;
}

}  // namespace boss
