// Docker Swarm as boss needs it for `boss deploy` (core/deploy.h): the data of the
// Engine seam's swarm calls (engine.h). Plain data; src/engine maps it to the Engine API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/healthcheck.h"

namespace boss {

// What the engine says of its place in a swarm (GET /info: Swarm).
struct SwarmState {
  std::string node_state;  // "inactive", "pending", "active", "error", "locked"
  bool manager = false;    // it takes service calls (ControlAvailable)
  std::string node_id;
};

// Everything a Swarm service is created or updated from. Empty fields are not sent.
struct SwarmServiceSpec {
  std::string name;
  std::map<std::string, std::string> labels;            // on the service
  std::map<std::string, std::string> container_labels;  // on each task's container
  std::string image;  // "ref@sha256:...": every node runs the same image
  std::map<std::string, std::string> env;
  std::optional<std::vector<std::string>> cmd;         // Args
  std::optional<std::vector<std::string>> entrypoint;  // Command
  std::string user;
  std::string working_dir;
  bool init = false;
  std::string stop_signal;
  std::optional<double> stop_timeout;      // seconds (StopGracePeriod)
  std::optional<HealthCheck> healthcheck;  // nullopt: the image's own
  // Each task's memory limit in bytes (TaskTemplate.Resources.Limits.MemoryBytes; the
  // service's mem_limit, as HostConfig.Memory is for `boss start`); nullopt: none.
  std::optional<std::int64_t> memory_limit;
  struct Mount {
    std::string type;  // "bind" or "volume"
    std::string source;
    std::string target;
    bool read_only = false;
    std::map<std::string, std::string> volume_labels;  // "volume": the labels it is made with
    bool operator==(const Mount&) const = default;
  };
  std::vector<Mount> mounts;
  // Published on the node each task runs on (host mode); published_port 0: any free one.
  struct Port {
    int target_port = 0;
    std::string protocol = "tcp";
    int published_port = 0;
    bool operator==(const Port&) const = default;
  };
  std::vector<Port> ports;
  std::string network;               // the overlay network's id or name
  std::vector<std::string> aliases;  // names on it
  // replicated: `replicas` tasks kept running; job: `replicas` completions, that many at once.
  bool job = false;
  int replicas = 1;
  // "any", "on-failure" or "none", with at most `max_attempts` restarts (0: no bound).
  std::string restart_condition = "any";
  int max_attempts = 0;
  bool operator==(const SwarmServiceSpec&) const = default;
};

// A service as listed (GET /services).
struct SwarmService {
  std::string id;
  std::string name;
  std::uint64_t version = 0;  // what an update must name (Version.Index)
  std::map<std::string, std::string> labels;
  int replicas = 0;  // of its mode (Replicated.Replicas, ReplicatedJob.TotalCompletions)
  bool job = false;
  // UpdateStatus.State: "", "updating", "paused", "completed", "rollback_started", ...
  std::string update_state;
  std::string update_message;
};

// One task of a service (GET /tasks).
struct SwarmTask {
  std::string id;
  std::string service_id;
  std::string node_id;
  int slot = 0;                // replicated services' replica number; 0 for jobs
  std::string desired_state;   // "running", "shutdown", "complete", ...
  std::string state;           // Status.State: "new" ... "running", "complete", "failed", "rejected", ...
  std::string message;         // Status.Message
  std::string error;           // Status.Err
  std::string container_id;    // Status.ContainerStatus.ContainerID, once there is one
  std::optional<int> exit_code;
  std::string created_at;      // RFC 3339, the manager's clock
  std::string timestamp;       // Status.Timestamp: when it reached `state`
  std::map<std::string, std::string> container_labels;  // Spec.ContainerSpec.Labels
};

// One node of the swarm (GET /nodes).
struct SwarmNode {
  std::string id;
  std::string hostname;
  std::string address;  // Status.Addr
  std::string role;     // "manager" or "worker"
  std::string state;    // "ready", "down", ...
};

}  // namespace boss
