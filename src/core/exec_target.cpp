#include "core/exec_target.h"

#include "core/instances.h"
#include "core/selection.h"

namespace boss {

std::string exec_target(const Project& project, const Observed& observed, const std::string& service, int instance) {
  const ServiceSpec* spec = project.find(service);
  if (!spec) throw unknown_service(project, service, "exec");
  const auto& containers = observed.of(service);
  bool exists = instance >= 1 && instance <= spec->instances;
  for (const auto& c : containers)
    if (instance_of(c.labels) == instance) exists = true;  // a leftover above N still runs
  if (!exists) {
    const std::string has = spec->instances == 1 ? "has one container"
                                                 : "has " + std::to_string(spec->instances) + " instances";
    throw DefinitionError("exec: service '" + service + "' " + has + "; --instance " + std::to_string(instance) +
                          " does not exist");
  }
  for (const auto& c : containers)
    if (c.running() && instance_of(c.labels) == instance) return c.id;
  const std::string shown = instance_host(service, shown_instance(*spec, instance));
  throw NotRunning("service '" + shown + "' is not running (boss start " + service + ")");
}

}  // namespace boss
