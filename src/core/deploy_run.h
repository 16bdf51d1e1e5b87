// `boss deploy` carried out on a swarm manager (the decisions are core/deploy.h's).
//
// A deploy checks before it touches anything: the engine is a swarm manager, no service
// names an engine of its own, and every image is in a registry the engine resolves (its
// digest is what every node pulls). Then, on the attachable overlay network (made once),
// it walks the dependency graph as start does: each service once its dependencies are
// ready — their tasks running (a job's: completed) and, where they have a health check,
// healthy, since Swarm counts a task running only then — and their pings, run from this
// host, passed. Per service: pre_start (when it is to be created or updated), create or
// update (with the version it was listed at) or keep, wait for its tasks, ping, then
// post_start once for the whole service. A kept service is only waited for.
//
// `deploy --remove` removes the project's services, then its network once the swarm has
// let go of it. Neither takes the project lock's state (context, journal) from start:
// the context the hooks see is the project's, saved as start saves it.
#pragma once

#include <optional>
#include <string>

#include "core/deploy.h"
#include "core/operation.h"
#include "core/outcome.h"
#include "core/selection.h"

namespace boss {

struct DeployRequest {
  double timeout = 300;    // seconds each service may take to become ready
  ProfileChoice profiles;  // which services with `profiles` are deployed
};

// Throws DefinitionError "deploy: the engine at ENDPOINT is not a swarm manager (...)".
void require_swarm_manager(Engine& engine);

CommandResult run_deploy(Operation& op, const DeployRequest& request);
CommandResult run_deploy_remove(Operation& op);
DeployStatus read_deploy_status(Engine& engine, const Project& project);
// For `boss status`: the same when the engine is a swarm manager holding services of the
// project; nullopt when it is no manager (one call, GET /info) or holds none.
std::optional<DeployStatus> deployed_status(Engine& engine, const Project& project);

}  // namespace boss
