// Which services a command acts on, from the names a user typed. One rule for an
// unknown name (with did-you-mean), one for each direction:
//   start: the named services and everything they depend on (all active services when
//          none are named), less the excluded ones. A service with `profiles` is active
//          when one of them is active, or when it is named; one without is always
//          active. Starting a service whose dependency is excluded or inactive is an
//          error naming both, unless that dependency is optional: then it is left out.
//          Naming a profile no service lists is an error (with did-you-mean). A
//          service with `on_demand = true` is left out of "all" unless a service that
//          starts depends on it; named, it starts like any other. So is a scheduled
//          job (`schedule`, `every`: `boss serve` runs it on time).
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

// The profiles a start activates, and where they came from ("--profile",
// "BOSS_PROFILES"), for messages.
struct ProfileChoice {
  std::vector<std::string> active;
  std::string source = "--profile";
};

// Dependencies first; declaration order among independent services.
std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& targets,
                                          const std::vector<std::string>& exclude,
                                          const ProfileChoice& profiles = {});
// The services a start of all services leaves out because none of their profiles is
// active (declaration order); empty when services are named.
std::vector<std::string> inactive_services(const Project& project, const std::vector<std::string>& targets,
                                           const ProfileChoice& profiles);
// The on-demand services (active ones) a start of all services leaves out (declaration
// order); empty when services are named.
std::vector<std::string> on_demand_left_out(const Project& project, const std::vector<std::string>& targets,
                                           const std::vector<std::string>& exclude, const ProfileChoice& profiles);
// `boss run-jobs` and `boss history` (`what`): the named jobs (each must be one), or when
// none are named every job whose profiles are active, in declaration order. A project
// without jobs is an error.
std::vector<std::string> select_jobs(const Project& project, const std::vector<std::string>& names,
                                     const ProfileChoice& profiles = {}, const std::string& what = "run-jobs");
// Dependents first.
std::vector<std::string> select_for_stop(const Project& project, const std::vector<std::string>& targets,
                                         const std::vector<std::string>& exclude);

}  // namespace boss
