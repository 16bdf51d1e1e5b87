// Docker Swarm in the Engine API 1.41: request bodies made from core/swarm.h's types, and
// its answers read back into them. Pure functions, tested without an engine.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/swarm.h"

namespace boss {

// The body of POST /services/create and /services/{id}/update: a ServiceSpec. Ports are
// published in host mode (on the node a task runs on); a job is a ReplicatedJob of
// `replicas` completions, that many at a time.
nlohmann::json service_spec_body(const SwarmServiceSpec& spec);
// GET /info's Swarm object.
SwarmState parse_swarm_state(const nlohmann::json& info);
std::vector<SwarmService> parse_service_list(const nlohmann::json& list);
std::vector<SwarmTask> parse_task_list(const nlohmann::json& list);
std::vector<SwarmNode> parse_node_list(const nlohmann::json& list);
// GET /distribution/{name}/json's Descriptor.digest; "" when it has none.
std::string parse_distribution_digest(const nlohmann::json& body);
// The `filters` query value {"service":[...]}, URL-encoded.
std::string service_filters_query(const std::vector<std::string>& services);
// The body of POST /networks/create for an attachable overlay network.
nlohmann::json overlay_network_body(const std::string& name, const std::map<std::string, std::string>& labels);

}  // namespace boss
