// `boss deploy`: the same services.lua as Docker Swarm services. The pure half: what a
// service's Swarm definition is, whether the swarm's service is to be created, updated or
// kept, and when a service's tasks count as ready or failed. deploy_run.h carries it out.
//
// Identity is labels, as everywhere: each Swarm service carries boss.project,
// boss.service, boss.config-hash, boss.config and boss.dependencies. Its tasks'
// containers and the overlay network carry boss.deploy (the project) instead of
// boss.project, so `boss start`, `stop` and `down` on a manager never take the swarm's
// containers or network for their own. Each task's container also carries
// boss.task-hash, the hash of what its container is made from (not its replica count),
// which tells an updated task from an old one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/config.h"
#include "core/project.h"
#include "core/swarm.h"

namespace boss {

inline constexpr const char* kLabelDeploy = "boss.deploy";
inline constexpr const char* kLabelTaskHash = "boss.task-hash";

// "boss-<project>-swarm": the attachable overlay network every service is on (a name of
// its own, beside the bridge `boss start` makes on the same engine).
std::string deploy_network_name(const Project& project);
// "<project>-<service>", as containers are named.
std::string swarm_service_name(const Project& project, const std::string& service);

// A service's Swarm definition, and the hashes that tell whether it changed.
struct DeployDefinition {
  SwarmServiceSpec spec;
  DesiredConfig config;   // what its containers are made from
  std::string task_hash;  // of `config` and its restart rule: new tasks when it changes
  std::string hash;       // of all of it, replicas too: boss.config-hash
  std::string config_json;  // boss.config: the canonical JSON the hash is of
};

// Throws UnfilledTemplate when a {key} has no value. `digest`: the image's registry digest
// ("sha256:..."; "" leaves the reference as written). `network`: the overlay network's id.
DeployDefinition deploy_definition(const Project& project, const ServiceSpec& spec, const std::string& digest,
                                   const std::map<std::string, std::string>& context,
                                   const std::set<std::string>& secret_keys, const std::string& network);

// What a deploy does to one service: create (none there), update (its boss.config-hash
// differs; the reason says what changed), keep.
struct DeployDecision {
  ActionKind action = ActionKind::keep;  // create, update or keep
  std::string reason;                    // "no service", "image changed, instances 2 -> 3", ""
  std::string id;                        // the existing service's
  std::uint64_t version = 0;             // the version an update names
};
DeployDecision decide_deploy(const DeployDefinition& wanted, const std::optional<SwarmService>& existing);

// Where a service's tasks are, judged after a create, update or keep.
struct TasksVerdict {
  enum class State { waiting, ready, failed };
  State state = State::waiting;
  std::string reason;        // failed: "task 2 on rig2 failed: ..."; waiting: "1 of 2 tasks running"
  std::string container_id;  // ready: a running (or, for a job, finished) task's container
  int ready = 0;
};
// `tasks`: the service's, old ones too; `before`: ids of the tasks it had when boss
// changed it (their failures are history, not this deploy's). A service is ready when
// `replicas` tasks of `task_hash` run and no update is in progress; a job when that many
// completed; it failed when a new task of `task_hash` failed or was rejected (a job's
// when more than `retries` did), or when the swarm paused or rolled back its update.
// `nodes`: node id -> hostname, for the reason.
TasksVerdict judge_tasks(const SwarmService& service, const std::vector<SwarmTask>& tasks,
                         const std::string& task_hash, int replicas, bool job, int retries,
                         const std::set<std::string>& before, const std::map<std::string, std::string>& nodes);

// One row of `boss deploy --status`: a task that is meant to run (or ran, for a job).
struct DeployTaskRow {
  std::string service;
  int slot = 0;  // 0 for a job's tasks
  std::string node;
  std::string state;
  std::string container_id;
  std::string error;
  bool operator==(const DeployTaskRow&) const = default;
};
struct DeployServiceRow {
  std::string service;
  std::string id;
  std::uint64_t version = 0;
  int replicas = 0;
  int running = 0;  // tasks running (a job's: completed)
  bool job = false;
  std::vector<DeployTaskRow> tasks;  // by slot, then node
};
struct DeployStatus {
  std::string project;
  std::string network;  // "" when there is none
  std::vector<DeployServiceRow> services;  // in services.lua's order, then others by name
};
// The tasks worth showing: those desired running (a job's: complete too), newest per slot.
DeployStatus deploy_status(const Project& project, const std::vector<SwarmService>& services,
                           const std::vector<SwarmTask>& tasks, const std::vector<SwarmNode>& nodes,
                           const std::string& network);

}  // namespace boss
