// Which container `boss exec SERVICE` runs in: the service's running container, found by
// its labels as status finds it (one-off containers are never it).
#pragma once

#include <string>

#include "core/errors.h"
#include "core/plan.h"
#include "core/project.h"

namespace boss {

// The service exists but has no running container: "service 'db' is not running (boss
// start db)". Exit code 1, like any state of the engine that stops a command.
class NotRunning : public FatalError {
 public:
  using FatalError::FatalError;
};

// The id of the running container of `service`. `instance` is the replica asked for
// (1-based; services have one container, so only 1 exists). Throws DefinitionError for an
// unknown service (with a suggestion) or instance, NotRunning when nothing runs.
std::string exec_target(const Project& project, const Observed& observed, const std::string& service, int instance);

}  // namespace boss
