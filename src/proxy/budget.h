// `boss proxy --memory-budget`: whether starting on-demand services fits, and which idle
// ones to stop first to make it fit. Pure; the starter (on_demand.h) carries it out.
//
// What counts: the mem_limit (times instances) of every on-demand service that runs or is
// to start, its on-demand dependencies included; services that are not on demand are not
// counted (boss start runs them; the budget is for what the proxy starts). The proxy
// refuses a budget when an on-demand service or a template has no mem_limit (check_budget).
// Launched containers the starter knows of are on-demand services of their own here.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/project.h"
#include "proxy/idle.h"

namespace boss {

struct BudgetPlan {
  std::vector<std::string> admitted;            // to start, in the order asked for
  std::vector<std::string> evicted;             // to stop first, least recently used first
  std::map<std::string, std::string> refused;   // service -> why it cannot fit, one line
};

// One line naming the first on-demand service without a mem_limit; "" when none.
std::string check_budget(const Project& project);

// The bytes `service` counts for: mem_limit times instances (0 without one).
std::int64_t budget_bytes(const ServiceSpec& spec);

// Admits each of `wanted` in turn if it fits in `budget` bytes beside what runs (and what
// was admitted before it), stopping the least recently used stoppable (idle.h) running
// on-demand services when it does not, and only when that makes it fit; else refuses it
// and stops nothing for it. `since` stands in for the last use of one never used.
BudgetPlan plan_budget(const Project& project, std::int64_t budget, const std::vector<std::string>& wanted,
                       const std::set<std::string>& running, const ServiceUses& uses, UseClock::time_point since);

}  // namespace boss
