#include "core/deploy.h"

#include <algorithm>

#include "core/restart_policy.h"

namespace boss {
namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string label_of(const std::map<std::string, std::string>& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

// A service's restart rule as Swarm's: a job restarts only on failure, as its retries
// allow; a service as its `restart` says ("no": never; on-failure[:N]; else always).
void restart_rule(const ServiceSpec& spec, SwarmServiceSpec& out) {
  if (spec.is_job) {
    out.restart_condition = spec.job.retries.limit > 0 ? "on-failure" : "none";
    out.max_attempts = spec.job.retries.limit;
    return;
  }
  const auto policy = parse_restart_policy(spec.restart);
  if (spec.restart == "no") {
    out.restart_condition = "none";
  } else if (policy && policy->name == "on-failure") {
    out.restart_condition = "on-failure";
    out.max_attempts = policy->max_retries;
  } else {
    out.restart_condition = "any";
  }
}

bool failed_state(const std::string& state) { return state == "failed" || state == "rejected" || state == "orphaned"; }

std::string node_name(const std::map<std::string, std::string>& nodes, const std::string& id) {
  const auto it = nodes.find(id);
  return it == nodes.end() || it->second.empty() ? id.substr(0, 12) : it->second;
}

}  // namespace

std::string deploy_network_name(const Project& project) { return project.network_name() + "-swarm"; }

std::string swarm_service_name(const Project& project, const std::string& service) {
  return project.container_name(service);
}

DeployDefinition deploy_definition(const Project& project, const ServiceSpec& spec, const std::string& digest,
                                   const std::map<std::string, std::string>& context,
                                   const std::set<std::string>& secret_keys, const std::string& network) {
  DeployDefinition d;
  d.config = desired_config(spec, digest, context, secret_keys);
  const DesiredConfig& c = d.config;
  SwarmServiceSpec& s = d.spec;
  s.name = swarm_service_name(project, spec.name);
  s.image = digest.empty() ? spec.image : spec.image + "@" + digest;
  s.env = c.env;
  s.cmd = c.cmd;
  s.entrypoint = c.entrypoint;
  s.user = c.user;
  s.working_dir = c.working_dir;
  s.init = c.init;
  s.stop_signal = c.stop_signal;
  s.stop_timeout = c.stop_timeout;
  s.healthcheck = c.healthcheck;
  s.memory_limit = c.mem_limit;
  for (const auto& v : c.volumes) {
    SwarmServiceSpec::Mount m;
    m.type = v.named ? "volume" : "bind";
    m.source = v.source;
    m.target = v.target;
    m.read_only = v.mode == "ro";
    if (v.named) m.volume_labels = {{kLabelDeploy, project.name}, {kLabelVolume, v.volume}};
    s.mounts.push_back(std::move(m));
  }
  for (const auto& p : c.ports) s.ports.push_back({p.container_port, p.protocol, p.host_port});
  s.network = network;
  s.aliases = {spec.name};
  s.job = spec.is_job;
  s.replicas = spec.instances;
  restart_rule(spec, s);

  nlohmann::json task = c.to_json();
  task["swarm_restart"] = s.restart_condition + ":" + std::to_string(s.max_attempts);
  d.task_hash = fnv1a_hex(task.dump());
  nlohmann::json all = c.to_json();
  all["deploy"] = {{"instances", spec.instances}, {"job", spec.is_job}, {"task_hash", d.task_hash}};
  d.config_json = all.dump();
  d.hash = fnv1a_hex(d.config_json);

  s.container_labels = c.labels;
  s.container_labels[kLabelDeploy] = project.name;
  s.container_labels[kLabelService] = spec.name;
  s.container_labels[kLabelTaskHash] = d.task_hash;
  s.labels = {{kLabelProject, project.name},
              {kLabelService, spec.name},
              {kLabelConfigHash, d.hash},
              {kLabelConfig, d.config_json},
              {kLabelDependencies, join(spec.dependencies, ",")}};
  return d;
}

DeployDecision decide_deploy(const DeployDefinition& wanted, const std::optional<SwarmService>& existing) {
  DeployDecision decision;
  if (!existing) {
    decision.action = ActionKind::create;
    decision.reason = "no service";
    return decision;
  }
  decision.id = existing->id;
  decision.version = existing->version;
  if (label_of(existing->labels, kLabelConfigHash) == wanted.hash) return decision;
  decision.action = ActionKind::update;
  const auto old = nlohmann::json::parse(label_of(existing->labels, kLabelConfig), nullptr, false);
  std::vector<std::string> changes = describe_changes(old.is_discarded() ? nlohmann::json() : old, wanted.config);
  if (old.is_object() && old.contains("deploy") && old["deploy"].is_object()) {
    const auto& was = old["deploy"];
    if (was.value("instances", 0) != wanted.spec.replicas)
      changes.push_back("instances " + std::to_string(was.value("instances", 0)) + " -> " +
                        std::to_string(wanted.spec.replicas));
    if (was.value("job", false) != wanted.spec.job) changes.push_back("kind changed");
    if (changes.empty() && was.value("task_hash", "") != wanted.task_hash) changes.push_back("restart changed");
  }
  decision.reason = changes.empty() ? "definition changed" : join(changes, ", ");
  return decision;
}

TasksVerdict judge_tasks(const SwarmService& service, const std::vector<SwarmTask>& tasks,
                         const std::string& task_hash, int replicas, bool job, int retries,
                         const std::set<std::string>& before, const std::map<std::string, std::string>& nodes) {
  TasksVerdict verdict;
  const auto& state = service.update_state;
  if (state == "paused" || state.rfind("rollback", 0) == 0) {
    verdict.state = TasksVerdict::State::failed;
    verdict.reason = "the swarm " + std::string(state == "paused" ? "paused its update" : "rolled its update back") +
                     (service.update_message.empty() ? "" : ": " + service.update_message);
    return verdict;
  }
  int failures = 0;
  const SwarmTask* last_failure = nullptr;
  for (const auto& t : tasks) {
    if (label_of(t.container_labels, kLabelTaskHash) != task_hash) continue;
    const bool done = job ? t.state == "complete" : t.desired_state == "running" && t.state == "running";
    if (done) {
      ++verdict.ready;
      if (verdict.container_id.empty() || t.slot == 1) verdict.container_id = t.container_id;
    } else if (failed_state(t.state) && !before.count(t.id)) {
      ++failures;
      if (!last_failure || t.timestamp > last_failure->timestamp) last_failure = &t;
    }
  }
  if (last_failure && (!job || failures > retries)) {
    const SwarmTask& t = *last_failure;
    verdict.state = TasksVerdict::State::failed;
    std::string why = t.error.empty() ? t.message : t.error;
    if (t.exit_code && *t.exit_code != 0 && t.error.empty()) why += " (exit code " + std::to_string(*t.exit_code) + ")";
    verdict.reason = "task " + (t.slot > 0 ? std::to_string(t.slot) + " " : "") +
                     (t.node_id.empty() ? "" : "on " + node_name(nodes, t.node_id) + " ") + t.state +
                     (why.empty() ? "" : ": " + why);
    return verdict;
  }
  if (verdict.ready >= replicas && state != "updating") {
    verdict.state = TasksVerdict::State::ready;
    return verdict;
  }
  verdict.reason = std::to_string(verdict.ready) + " of " + std::to_string(replicas) + " tasks " +
                   (job ? "completed" : "running") + (state == "updating" ? " (updating)" : "");
  return verdict;
}

DeployStatus deploy_status(const Project& project, const std::vector<SwarmService>& services,
                           const std::vector<SwarmTask>& tasks, const std::vector<SwarmNode>& nodes,
                           const std::string& network) {
  DeployStatus status;
  status.project = project.name;
  status.network = network;
  std::map<std::string, std::string> hostnames;
  for (const auto& n : nodes) hostnames[n.id] = n.hostname;
  auto order = [&](const SwarmService& s) {
    const std::string name = label_of(s.labels, kLabelService);
    const auto names = project.names();
    const auto it = std::find(names.begin(), names.end(), name);
    return std::make_pair(static_cast<std::size_t>(it - names.begin()), name);
  };
  std::vector<SwarmService> sorted = services;
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) { return order(a) < order(b); });
  for (const auto& s : sorted) {
    DeployServiceRow row;
    row.service = label_of(s.labels, kLabelService);
    row.id = s.id;
    row.version = s.version;
    row.replicas = s.replicas;
    row.job = s.job;
    // The newest task of each slot (a job's: each task) that is meant to run or ran.
    std::map<std::pair<int, std::string>, const SwarmTask*> newest;
    for (const auto& t : tasks) {
      if (t.service_id != s.id) continue;
      const bool shown = t.desired_state == "running" || (s.job && t.state == "complete");
      if (!shown) continue;
      const auto key = std::make_pair(t.slot, s.job ? t.id : std::string());
      auto& slot = newest[key];
      if (!slot || t.created_at > slot->created_at) slot = &t;
    }
    for (const auto& [key, t] : newest) {
      if (s.job ? t->state == "complete" : t->state == "running") ++row.running;
      row.tasks.push_back({row.service, t->slot, node_name(hostnames, t->node_id), t->state,
                           t->container_id.substr(0, 12), t->error});
    }
    std::sort(row.tasks.begin(), row.tasks.end(),
              [](const auto& a, const auto& b) { return std::tie(a.slot, a.node) < std::tie(b.slot, b.node); });
    status.services.push_back(std::move(row));
  }
  return status;
}

}  // namespace boss
