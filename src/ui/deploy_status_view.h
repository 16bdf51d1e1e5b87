// `boss deploy --status`: the project's Swarm services and their tasks per node, as a
// table for people and as one JSON document for machines.
#pragma once

#include <string>

#include "core/deploy.h"
#include "ui/json_fields.h"

namespace boss {

// "project todo on the swarm (network boss-todo-swarm)", then one line per task:
//   SERVICE  REPLICAS  VERSION  TASK  NODE  STATE    CONTAINER
//   db       2/2       12       1     rig2  running  3f2a1b4c5d6e
// A service without tasks has one line with "-" for them; nothing deployed says so.
std::string render_deploy_status_text(const DeployStatus& status);

// {"v": 1, "type": "deploy-status", "project", "network", "services": [{service, id,
// version, replicas, running, job, tasks: [{slot, node, state, container_id, error}]}]}.
Json deploy_status_json(const DeployStatus& status);

}  // namespace boss
