#include "core/one_off.h"

#include <cstdio>
#include <random>

#include "core/executor.h"

namespace boss {

bool is_one_off(const Labels& labels) { return labels.count(kLabelOneOff) > 0; }

std::string one_off_name(const Project& project, const std::string& service, const std::string& suffix) {
  return project.container_name(service) + "-run-" + suffix;
}

std::string random_suffix() {
  std::random_device device;
  char text[8];
  std::snprintf(text, sizeof text, "%06x", static_cast<unsigned>(device() & 0xffffff));
  return text;
}

ContainerSpec one_off_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config,
                           const OneOffOptions& options, const std::string& name) {
  ContainerSpec c = container_spec(project, spec, config);
  c.name = name;
  c.aliases.clear();
  c.hostname.clear();
  if (options.cmd) c.cmd = options.cmd;
  for (const auto& [key, value] : options.env) c.env[key] = value;
  if (!options.publish) c.ports.clear();
  // A one-off runs once: the engine must not start it again after it exits (its
  // service's restart policy is for the long-running container).
  c.restart = RestartPolicy{};
  c.tty = options.tty;
  c.open_stdin = options.open_stdin;
  c.labels = config.labels;
  c.labels.insert({{kLabelProject, project.name}, {kLabelService, spec.name}, {kLabelOneOff, "1"}});
  return c;
}

}  // namespace boss
