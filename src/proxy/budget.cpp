#include "proxy/budget.h"

#include <algorithm>

#include "core/byte_size.h"

namespace boss {
namespace {

// `service` and its on-demand dependencies, transitively.
std::set<std::string> with_on_demand_dependencies(const Project& project, const std::string& service) {
  std::set<std::string> out;
  std::vector<std::string> todo{service};
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    const ServiceSpec* spec = project.find(name);
    if (!spec || !spec->on_demand || !out.insert(name).second) continue;
    todo.insert(todo.end(), spec->dependencies.begin(), spec->dependencies.end());
  }
  return out;
}

std::int64_t bytes_of(const Project& project, const std::set<std::string>& services) {
  std::int64_t sum = 0;
  for (const auto& name : services)
    if (const ServiceSpec* spec = project.find(name); spec && spec->on_demand) sum += budget_bytes(*spec);
  return sum;
}

std::string list_of(const Project& project, const std::set<std::string>& services) {
  std::string out;
  for (const auto& name : services)
    if (const ServiceSpec* spec = project.find(name); spec && spec->on_demand)
      out += (out.empty() ? "" : ", ") + name + " (" + byte_size_text(budget_bytes(*spec)) + ")";
  return out;
}

}  // namespace

std::string check_budget(const Project& project) {
  for (const auto& s : project.services)
    if (s.on_demand && !s.mem_limit)
      return "--memory-budget: on-demand service '" + s.name +
             "' has no mem_limit (the budget counts each on-demand service's mem_limit)";
  for (const auto& t : project.templates)
    if (!t.mem_limit)
      return "--memory-budget: template '" + t.name +
             "' has no mem_limit (the budget counts each launched container's mem_limit)";
  return "";
}

std::int64_t budget_bytes(const ServiceSpec& spec) { return spec.mem_limit.value_or(0) * spec.instances; }

BudgetPlan plan_budget(const Project& project, std::int64_t budget, const std::vector<std::string>& wanted,
                       const std::set<std::string>& running, const ServiceUses& uses, UseClock::time_point since) {
  BudgetPlan plan;
  std::set<std::string> counted = running;  // runs and stays, or admitted
  std::set<std::string> kept;               // admitted, and what they need: never evicted
  const std::string shown_budget = byte_size_text(budget);
  const auto last_use = [&](const std::string& name) {
    const auto it = uses.find(name);
    return it == uses.end() ? since : std::max(it->second.last_used, since);
  };
  for (const auto& service : wanted) {
    std::set<std::string> needs = with_on_demand_dependencies(project, service);
    std::set<std::string> starting;
    for (const auto& name : needs)
      if (!counted.count(name)) starting.insert(name);
    const std::int64_t need = bytes_of(project, starting);
    if (need > budget) {
      plan.refused[service] = "service '" + service + "' needs " + byte_size_text(need) +
                              (starting.size() > 1 ? " (" + list_of(project, starting) + ")" : " (mem_limit)") +
                              ", more than the whole --memory-budget " + shown_budget;
      continue;
    }
    // Stop candidates, least recently used first: each with what its stop takes along.
    std::vector<std::pair<UseClock::time_point, std::set<std::string>>> candidates;
    for (const auto& name : counted) {
      const ServiceSpec* spec = project.find(name);
      if (!spec || !spec->on_demand || needs.count(name) || kept.count(name)) continue;
      if (!stoppable(project, uses, name, counted)) continue;
      std::set<std::string> takes = stopped_with(project, name, counted);
      if (std::any_of(takes.begin(), takes.end(), [&](const std::string& t) { return needs.count(t) || kept.count(t); }))
        continue;
      UseClock::time_point latest = UseClock::time_point::min();
      for (const auto& t : takes) latest = std::max(latest, last_use(t));
      candidates.emplace_back(latest, std::move(takes));
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::int64_t used = bytes_of(project, counted);
    std::set<std::string> stopping;
    for (const auto& [when, takes] : candidates) {
      if (used + need <= budget) break;
      for (const auto& t : takes)
        if (!stopping.count(t)) {
          stopping.insert(t);
          used -= bytes_of(project, {t});
        }
    }
    if (used + need > budget) {
      std::set<std::string> busy;
      for (const auto& name : counted)
        if (const ServiceSpec* spec = project.find(name); spec && spec->on_demand) busy.insert(name);
      plan.refused[service] = "service '" + service + "' needs " + byte_size_text(need) + " but only " +
                              byte_size_text(std::max<std::int64_t>(0, budget - bytes_of(project, counted))) +
                              " of the --memory-budget " + shown_budget + " is free and the rest is in use by " +
                              list_of(project, busy);
      continue;
    }
    // Least recently used first, in the order chosen.
    for (const auto& [when, takes] : candidates)
      for (const auto& t : takes)
        if (stopping.count(t) && std::find(plan.evicted.begin(), plan.evicted.end(), t) == plan.evicted.end())
          plan.evicted.push_back(t);
    for (const auto& t : stopping) counted.erase(t);
    counted.insert(needs.begin(), needs.end());
    kept.insert(needs.begin(), needs.end());
    plan.admitted.push_back(service);
  }
  return plan;
}

}  // namespace boss
