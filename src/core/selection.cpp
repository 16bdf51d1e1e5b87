#include "core/selection.h"

#include <algorithm>
#include <map>
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

namespace {

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string joined(const std::vector<std::string>& items) { return joined(std::set<std::string>(items.begin(), items.end())); }

// Which services profiles let start: one rule for the selection and for --dry-run.
class ProfileGate {
 public:
  ProfileGate(const Project& project, const ProfileChoice& choice, const std::set<std::string>& named)
      : m_active(choice.active.begin(), choice.active.end()), m_named(named) {
    std::set<std::string> listed;
    for (const auto& s : project.services) {
      listed.insert(s.profiles.begin(), s.profiles.end());
      m_specs.emplace(s.name, &s);
    }
    for (const auto& profile : choice.active) {
      if (listed.count(profile)) continue;
      const auto hint = did_you_mean(profile, {listed.begin(), listed.end()});
      throw DefinitionError(choice.source + ": unknown profile '" + profile + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                            (listed.empty() ? "; no service lists a profile" : "; profiles: " + joined(listed)));
    }
  }

  bool active(const std::string& name) const {
    const ServiceSpec* spec = find(name);
    if (!spec || spec->profiles.empty() || m_named.count(name)) return true;
    return std::any_of(spec->profiles.begin(), spec->profiles.end(),
                       [&](const std::string& p) { return m_active.count(p) > 0; });
  }

  // Project::find by a map: the selection asks once per dependency edge, and a layered
  // project of 500 has 25 000 of them (bench/README.md, "No-op start at 500").
  const ServiceSpec* find(const std::string& name) const {
    const auto it = m_specs.find(name);
    return it == m_specs.end() ? nullptr : it->second;
  }

 private:
  std::map<std::string, const ServiceSpec*> m_specs;
  std::set<std::string> m_active;
  const std::set<std::string>& m_named;
};

}  // namespace

std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& targets,
                                          const std::vector<std::string>& exclude, const ProfileChoice& profiles) {
  const auto excluded = checked(project, exclude, "--exclude");
  const auto named = checked(project, targets, "start");
  check_not_both(named, excluded, "start");
  const ProfileGate gate(project, profiles, named);
  const DependencyGraph graph(project);
  // An optional dependency that is excluded or inactive is left out, not an error.
  auto left_out = [&](const std::string& service, const std::string& dep) {
    const ServiceSpec* spec = gate.find(service);
    return spec && spec->optional_dependencies.count(dep) && (excluded.count(dep) || !gate.active(dep));
  };
  // All: the active services that are neither on demand, scheduled nor excluded, and what they depend on.
  std::vector<std::string> todo(named.begin(), named.end());
  if (named.empty())
    for (const auto& name : graph.nodes())
      if (gate.active(name) && !gate.find(name)->on_demand && !gate.find(name)->job.schedule.scheduled() &&
          !excluded.count(name))
        todo.push_back(name);
  std::set<std::string> wanted;
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    if (!wanted.insert(name).second) continue;
    for (const auto& dep : graph.dependencies(name))
      if (!left_out(name, dep)) todo.push_back(dep);
  }
  std::vector<std::string> out;
  for (const auto& name : graph.topological_order()) {
    if (excluded.count(name) || !wanted.count(name)) continue;
    for (const auto& dep : graph.dependencies(name)) {
      if (left_out(name, dep)) continue;
      if (excluded.count(dep))
        throw DefinitionError("cannot exclude '" + dep + "': service '" + name + "' depends on it");
      if (!gate.active(dep))
        throw DefinitionError("service '" + name + "' depends on '" + dep + "', whose profiles (" +
                              joined(project.find(dep)->profiles) +
                              ") are not active: activate one (--profile), name it, or make the dependency "
                              "optional ({ \"" + dep + "\", optional = true })");
    }
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> inactive_services(const Project& project, const std::vector<std::string>& targets,
                                           const ProfileChoice& profiles) {
  if (!targets.empty()) return {};
  const std::set<std::string> named;
  const ProfileGate gate(project, profiles, named);
  std::vector<std::string> out;
  for (const auto& s : project.services)
    if (!gate.active(s.name)) out.push_back(s.name);
  return out;
}

std::vector<std::string> on_demand_left_out(const Project& project, const std::vector<std::string>& targets,
                                           const std::vector<std::string>& exclude, const ProfileChoice& profiles) {
  if (!targets.empty()) return {};
  const auto selected = select_for_start(project, targets, exclude, profiles);
  const std::set<std::string> starts(selected.begin(), selected.end());
  const std::set<std::string> named;
  const ProfileGate gate(project, profiles, named);
  std::vector<std::string> out;
  for (const auto& s : project.services)
    if (s.on_demand && gate.active(s.name) && !starts.count(s.name)) out.push_back(s.name);
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

std::vector<std::string> select_jobs(const Project& project, const std::vector<std::string>& names,
                                     const ProfileChoice& profiles, const std::string& what) {
  check_service_names(project, names, what);
  for (const auto& name : names)
    if (!project.find(name)->is_job)
      throw DefinitionError(what + ": '" + name + "' is a service, not a job (kind = \"job\")");
  if (!names.empty()) return names;
  const auto inactive = inactive_services(project, {}, profiles);
  std::vector<std::string> jobs;
  for (const auto& s : project.services)
    if (s.is_job && std::find(inactive.begin(), inactive.end(), s.name) == inactive.end()) jobs.push_back(s.name);
  if (jobs.empty()) throw DefinitionError(what + ": the project has no jobs (kind = \"job\", or a class of boss.Job)");
  return jobs;
}

}  // namespace boss
