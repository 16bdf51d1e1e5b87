// One-off containers (boss run): a service's definition run once, with its own name and a
// label that keeps every other command from taking it for the service. start, stop,
// status, logs and the orphan check see only containers without it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/engine.h"
#include "core/project.h"

namespace boss {

inline constexpr const char* kLabelOneOff = "boss.oneoff";

bool is_one_off(const Labels& labels);

// How a one-off differs from the service's own container.
struct OneOffOptions {
  std::optional<std::vector<std::string>> cmd;  // replaces the service's cmd when set
  std::map<std::string, std::string> env;       // added to (and overriding) the service's
  bool publish = false;                         // publish the service's ports
  bool tty = false;
  bool open_stdin = false;
};

// "<project>-<service>-run-<suffix>".
std::string one_off_name(const Project& project, const std::string& service, const std::string& suffix);
// Six random hex digits, for one_off_name.
std::string random_suffix();

// The container of a one-off of `spec`: its image, env, volumes, user, entrypoint and
// network, without the service's name as an alias (the service keeps it), without ports
// unless `publish`, labelled with the project, the service and kLabelOneOff.
ContainerSpec one_off_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config,
                           const OneOffOptions& options, const std::string& name);

}  // namespace boss
