#include "proxy/idle.h"

#include <algorithm>

namespace boss {
namespace {

UseClock::time_point last_use(const ServiceUses& uses, const std::string& service, UseClock::time_point since) {
  const auto it = uses.find(service);
  return it == uses.end() ? since : std::max(it->second.last_used, since);
}

int open_uses(const ServiceUses& uses, const std::string& service) {
  const auto it = uses.find(service);
  return it == uses.end() ? 0 : it->second.open;
}

UseClock::duration idle_timeout_of(const ServiceSpec& spec) {
  return std::chrono::duration_cast<UseClock::duration>(std::chrono::duration<double>(*spec.idle_timeout));
}

}  // namespace

std::set<std::string> stopped_with(const Project& project, const std::string& service,
                                   const std::set<std::string>& running) {
  std::set<std::string> out{service};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& s : project.services) {
      if (out.count(s.name) || !running.count(s.name)) continue;
      const bool depends = std::any_of(s.dependencies.begin(), s.dependencies.end(),
                                       [&](const std::string& d) { return out.count(d) > 0; });
      if (depends) grew = out.insert(s.name).second || grew;
    }
  }
  return out;
}

bool stoppable(const Project& project, const ServiceUses& uses, const std::string& service,
               const std::set<std::string>& running) {
  for (const auto& name : stopped_with(project, service, running)) {
    const ServiceSpec* spec = project.find(name);
    if (!spec || !spec->on_demand || open_uses(uses, name) > 0) return false;
  }
  return true;
}

std::vector<std::string> idle_services(const Project& project, const ServiceUses& uses,
                                       const std::set<std::string>& running, UseClock::time_point now,
                                       UseClock::time_point since) {
  std::vector<std::string> out;
  for (const auto& s : project.services) {
    if (!s.on_demand || !s.idle_timeout || !running.count(s.name)) continue;
    if (!stoppable(project, uses, s.name, running)) continue;
    bool idle = true;
    for (const auto& name : stopped_with(project, s.name, running)) {
      const ServiceSpec* spec = project.find(name);
      idle = idle && spec->idle_timeout && now - last_use(uses, name, since) >= idle_timeout_of(*spec);
    }
    if (idle) out.push_back(s.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

UseClock::time_point next_idle_check(const Project& project, const ServiceUses& uses, UseClock::time_point since) {
  auto next = UseClock::time_point::max();
  for (const auto& s : project.services)
    if (s.on_demand && s.idle_timeout && open_uses(uses, s.name) == 0)
      next = std::min(next, last_use(uses, s.name, since) + idle_timeout_of(s));
  return next;
}

}  // namespace boss
