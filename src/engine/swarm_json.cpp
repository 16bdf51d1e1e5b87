#include "engine/swarm_json.h"

#include <cmath>

#include "engine/docker_json.h"
#include "engine/docker_request.h"
#include "engine/http_transport.h"

namespace boss {

using nlohmann::json;

namespace {

std::map<std::string, std::string> string_map(const json& object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.items())
    if (value.is_string()) out[key] = value.get<std::string>();
  return out;
}

const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

std::int64_t integer(const json& value) { return value.is_number() ? value.get<std::int64_t>() : 0; }

}  // namespace

json service_spec_body(const SwarmServiceSpec& spec) {
  json container = {{"Image", spec.image}};
  if (!spec.container_labels.empty()) container["Labels"] = spec.container_labels;
  if (spec.entrypoint) container["Command"] = *spec.entrypoint;
  if (spec.cmd) container["Args"] = *spec.cmd;
  if (!spec.env.empty()) {
    json env = json::array();
    for (const auto& [key, value] : spec.env) env.push_back(key + "=" + value);
    container["Env"] = env;
  }
  if (!spec.user.empty()) container["User"] = spec.user;
  if (!spec.working_dir.empty()) container["Dir"] = spec.working_dir;
  if (spec.init) container["Init"] = true;
  if (!spec.stop_signal.empty()) container["StopSignal"] = spec.stop_signal;
  if (spec.stop_timeout) container["StopGracePeriod"] = std::llround(std::ceil(*spec.stop_timeout) * 1e9);
  if (spec.healthcheck) container["HealthCheck"] = healthcheck_body(*spec.healthcheck);
  if (!spec.mounts.empty()) {
    json mounts = json::array();
    for (const auto& m : spec.mounts) {
      json mount = {{"Type", m.type}, {"Source", m.source}, {"Target", m.target}};
      if (m.read_only) mount["ReadOnly"] = true;
      if (!m.volume_labels.empty()) mount["VolumeOptions"] = {{"Labels", m.volume_labels}};
      mounts.push_back(mount);
    }
    container["Mounts"] = mounts;
  }
  json restart = {{"Condition", spec.restart_condition}};
  if (spec.max_attempts > 0) restart["MaxAttempts"] = spec.max_attempts;
  json task = {{"ContainerSpec", container}, {"RestartPolicy", restart}};
  if (spec.memory_limit) task["Resources"] = {{"Limits", {{"MemoryBytes", *spec.memory_limit}}}};
  if (!spec.network.empty()) {
    json network = {{"Target", spec.network}};
    if (!spec.aliases.empty()) network["Aliases"] = spec.aliases;
    task["Networks"] = json::array({network});
  }
  json body = {{"Name", spec.name}, {"Labels", spec.labels}, {"TaskTemplate", task}};
  if (spec.job)
    body["Mode"] = {{"ReplicatedJob", {{"MaxConcurrent", spec.replicas}, {"TotalCompletions", spec.replicas}}}};
  else
    body["Mode"] = {{"Replicated", {{"Replicas", spec.replicas}}}};
  // One task at a time, the new one up before the old one goes, and a failed one
  // pauses the update (judge_tasks reports it).
  if (!spec.job)
    body["UpdateConfig"] = {{"Parallelism", 1}, {"Order", "start-first"}, {"FailureAction", "pause"}};
  if (!spec.ports.empty()) {
    json ports = json::array();
    for (const auto& p : spec.ports) {
      json port = {{"Protocol", p.protocol}, {"TargetPort", p.target_port}, {"PublishMode", "host"}};
      if (p.published_port > 0) port["PublishedPort"] = p.published_port;
      ports.push_back(port);
    }
    body["EndpointSpec"] = {{"Ports", ports}};
  }
  return body;
}

SwarmState parse_swarm_state(const json& info) {
  const json& swarm = member(info, "Swarm");
  SwarmState state;
  state.node_state = json_string(swarm, "LocalNodeState");
  state.node_id = json_string(swarm, "NodeID");
  const json& control = member(swarm, "ControlAvailable");
  state.manager = control.is_boolean() && control.get<bool>();
  return state;
}

std::vector<SwarmService> parse_service_list(const json& list) {
  std::vector<SwarmService> out;
  if (!list.is_array()) return out;
  for (const auto& s : list) {
    SwarmService service;
    service.id = json_string(s, "ID");
    service.version = static_cast<std::uint64_t>(integer(member(member(s, "Version"), "Index")));
    const json& spec = member(s, "Spec");
    service.name = json_string(spec, "Name");
    service.labels = string_map(member(spec, "Labels"));
    const json& mode = member(spec, "Mode");
    if (const json& job = member(mode, "ReplicatedJob"); job.is_object()) {
      service.job = true;
      service.replicas = static_cast<int>(integer(member(job, "TotalCompletions")));
    } else {
      service.replicas = static_cast<int>(integer(member(member(mode, "Replicated"), "Replicas")));
    }
    const json& update = member(s, "UpdateStatus");
    service.update_state = json_string(update, "State");
    service.update_message = json_string(update, "Message");
    out.push_back(std::move(service));
  }
  return out;
}

std::vector<SwarmTask> parse_task_list(const json& list) {
  std::vector<SwarmTask> out;
  if (!list.is_array()) return out;
  for (const auto& t : list) {
    SwarmTask task;
    task.id = json_string(t, "ID");
    task.service_id = json_string(t, "ServiceID");
    task.node_id = json_string(t, "NodeID");
    task.slot = static_cast<int>(integer(member(t, "Slot")));
    task.desired_state = json_string(t, "DesiredState");
    task.created_at = json_string(t, "CreatedAt");
    const json& status = member(t, "Status");
    task.state = json_string(status, "State");
    task.message = json_string(status, "Message");
    task.error = json_string(status, "Err");
    task.timestamp = json_string(status, "Timestamp");
    const json& container = member(status, "ContainerStatus");
    task.container_id = json_string(container, "ContainerID");
    if (const json& code = member(container, "ExitCode"); code.is_number() && !task.container_id.empty())
      task.exit_code = code.get<int>();
    task.container_labels = string_map(member(member(member(t, "Spec"), "ContainerSpec"), "Labels"));
    out.push_back(std::move(task));
  }
  return out;
}

std::vector<SwarmNode> parse_node_list(const json& list) {
  std::vector<SwarmNode> out;
  if (!list.is_array()) return out;
  for (const auto& n : list) {
    SwarmNode node;
    node.id = json_string(n, "ID");
    node.hostname = json_string(member(n, "Description"), "Hostname");
    node.address = json_string(member(n, "Status"), "Addr");
    node.state = json_string(member(n, "Status"), "State");
    node.role = json_string(member(n, "Spec"), "Role");
    out.push_back(std::move(node));
  }
  return out;
}

std::string parse_distribution_digest(const json& body) {
  return json_string(member(body, "Descriptor"), "digest");
}

std::string service_filters_query(const std::vector<std::string>& services) {
  return url_encode(json{{"service", services}}.dump());
}

json overlay_network_body(const std::string& name, const std::map<std::string, std::string>& labels) {
  return {{"Name", name}, {"Driver", "overlay"}, {"Attachable", true}, {"CheckDuplicate", true}, {"Labels", labels}};
}

}  // namespace boss
