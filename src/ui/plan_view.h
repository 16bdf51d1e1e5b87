// A Plan as `--dry-run` shows it: text for people, one JSON document for machines.
// The project gives the images and the network's name, which the plan refers to.
#pragma once

#include <string>

#include "core/plan.h"
#include "core/project.h"
#include "ui/json_fields.h"

namespace boss {

// One aligned line per step, project-wide steps around the services':
//   create  network boss-todo  does not exist yet
//   create  appdb              no container (will pull postgres:16)
//   keep    todo               running, unchanged
//   remove  container todo-old  service no longer defined
//   remove  saved state         /src/todo/.boss/todo
std::string render_plan_text(const Plan& plan, const Project& project);

// {"v": 1, "type": "plan", "command", "project", "network", "create_network",
//  "services": [{"service", "instance"?, "action", "reason", "container"?, "image",
//  "image_ref", "remove", "stop"}], "remove_networks", "remove_orphans", "remove_state"}
Json plan_json(const Plan& plan, const Project& project);

}  // namespace boss
