#include "core/exec_target.h"

#include "core/selection.h"

namespace boss {

std::string exec_target(const Project& project, const Observed& observed, const std::string& service, int instance) {
  if (!project.find(service)) throw unknown_service(project, service, "exec");
  if (instance != 1)
    throw DefinitionError("exec: service '" + service + "' has one container; --instance " +
                          std::to_string(instance) + " does not exist");
  for (const auto& c : observed.of(service))
    if (c.running()) return c.id;
  throw NotRunning("service '" + service + "' is not running (boss start " + service + ")");
}

}  // namespace boss
