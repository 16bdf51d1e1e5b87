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

// The id of the running container of instance `instance` (1-based) of `service`.
// Throws DefinitionError for an unknown service (with a suggestion) or an instance above
// the service's `instances` that has no container either, NotRunning when that instance's
// container does not run ("service 'web-2' is not running (boss start web)").
std::string exec_target(const Project& project, const Observed& observed, const std::string& service, int instance);

}  // namespace boss
