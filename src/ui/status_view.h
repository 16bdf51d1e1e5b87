// `boss status` as a table for people and as one JSON document for machines.
#pragma once

#include <string>

#include "core/status.h"
#include "ui/json_fields.h"

namespace boss {

// "project todo", then SERVICE / STATE / CONTAINER / PORTS, aligned:
//   appdb         running (healthy)                          3f2a1b4c5d6e  localhost:5433 -> 5432/tcp
//   todo          running (not ready: ping did not succeed)  9c8d7e6f5a4b
//   seed          exited (3)                                 1a2b3c4d5e6f
//   old (orphan)  running                                    0f1e2d3c4b5a
// A RESTART column (the policy: always, on-failure:3, ...) comes before PORTS when some
// container has a restart policy. A project deployed to the swarm (report.deploy) has its
// Swarm services and their tasks per node after it (render_deploy_status_text); the
// containers' table is left out when it has none but absent ones.
std::string render_status_text(const StatusReport& report);

// What the STATE column says for one row.
std::string status_state_text(const StatusRow& row);

// {"v": 1, "type": "status", "project", "services": [every field of each StatusRow]},
// and "deploy": deploy_status_json's document when the project is deployed to the swarm.
Json status_json(const StatusReport& report);

}  // namespace boss
