// Carries out a Plan: one executor for every command. It walks the plan's services over
// the dependency graph (dependencies first for start plans, dependents first for stop
// plans), concurrently where independent, and runs each service's steps (plan.h's
// steps_for) with no decisions of its own, except the one the plan leaves for the
// service's turn: start decisions are made again then, because a dependency's hooks may
// have changed the context its templates read.
//
// Never throws for a service's failure: that is in the result (and was emitted as
// events). A failed service skips everything that waits on it; Ctrl-C begins nothing new.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/operation.h"
#include "core/outcome.h"
#include "core/plan.h"

namespace boss {

struct ExecuteOptions {
  double ping_timeout = 300;      // start: per service, from its container's start
  double stop_timeout = 10;       // stop, and containers replaced by a start
  std::set<std::string> forced;   // start: these services get new containers (reload)
  std::set<std::string> rebuild;  // start: these image references are built anew (--build)
  std::size_t parallel = 0;       // container calls in flight at most (0: kDefaultEngineCalls)
};

struct Execution {
  CommandResult result;
  // Images that builds of this execution replaced; remove them once nothing uses them.
  std::vector<std::string> replaced_images;
};

Execution execute(Operation& op, const Plan& plan, const Observed& observed, const ExecuteOptions& options);

// The container name of a service; when that name is held by another project's (or
// another service's) container, a name derived from both that cannot collide.
std::string container_name(const Project& project, const std::string& service);
std::string collision_free_name(const Project& project, const std::string& service);

// What the service's container is created from: `config` with the project's network,
// the service's name as alias and hostname, and the identity labels.
ContainerSpec container_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config);

}  // namespace boss
