// Which services a command acts on, from the names a user typed. One rule for an
// unknown name (with did-you-mean), one for each direction:
//   start: the named services and everything they depend on (all when none are named),
//          less the excluded ones; starting a service whose dependency is excluded is an
//          error naming both.
//   stop:  the named services and everything that depends on them (all when none are
//          named), less the excluded ones; stopping a service that an excluded (so still
//          running) one depends on is an error naming both.
// Every error is a DefinitionError (exit 2, nothing touched).
#pragma once

#include <string>
#include <vector>

#include "core/errors.h"
#include "core/project.h"

namespace boss {

// "<what>: unknown service 'dbb' (did you mean 'db'?)"
DefinitionError unknown_service(const Project& project, const std::string& name, const std::string& what);
// Throws unknown_service for the first name the project does not define.
void check_service_names(const Project& project, const std::vector<std::string>& names, const std::string& what);

// Dependencies first; declaration order among independent services.
std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& targets,
                                          const std::vector<std::string>& exclude);
// Dependents first.
std::vector<std::string> select_for_stop(const Project& project, const std::vector<std::string>& targets,
                                         const std::vector<std::string>& exclude);

}  // namespace boss
