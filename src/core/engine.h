// The container engine as boss needs it: a narrow, synchronous interface.
//
// Contract for every implementation:
//  - every method may be called from any thread, concurrently;
//  - failures throw boss::EngineError whose message names what was being done
//    ("create container todo-web: 409 Conflict: ...");
//  - "not found" is not an error where the return type is optional.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boss {

using Labels = std::map<std::string, std::string>;

struct PublishedPort {
  int container_port = 0;
  std::string protocol = "tcp";
  std::string host_ip;
  int host_port = 0;
  bool operator==(const PublishedPort&) const = default;
};

// One container, as listed by the engine.
struct ContainerInfo {
  std::string id;
  std::string name;      // without the leading '/'
  std::string state;     // "created", "running", "exited", "paused", "restarting", "dead", ...
  std::string image_id;  // "sha256:..."
  Labels labels;
  std::vector<PublishedPort> ports;  // only filled for running containers
  bool running() const { return state == "running"; }
};

// Detailed state of one container (inspect).
struct ContainerState {
  std::string id;
  std::string status;  // as ContainerInfo::state
  bool running = false;
  int exit_code = 0;
  std::string error;   // engine-side error text, e.g. an OCI runtime failure
  std::vector<PublishedPort> ports;
};

struct ImageInfo {
  std::string id;  // "sha256:..."
};

struct NetworkInfo {
  std::string id;
  std::string name;
  Labels labels;
};

// Everything needed to create a container. Fields left empty are not sent, so the
// image's defaults apply.
struct ContainerSpec {
  std::string name;
  std::string image;
  std::map<std::string, std::string> env;
  std::optional<std::vector<std::string>> cmd;
  std::optional<std::vector<std::string>> entrypoint;
  std::string user;
  std::string stop_signal;
  struct Port {
    int container_port = 0;
    std::string protocol = "tcp";
    int host_port = 0;  // 0: the engine picks a free port
  };
  std::vector<Port> ports;
  struct Mount {
    std::string source;  // host path or volume name
    std::string target;
    std::string mode;    // "", "ro", "rw", ...
  };
  std::vector<Mount> binds;
  std::string network;             // network to attach to
  std::vector<std::string> aliases;  // DNS names on that network
  std::string hostname;
  Labels labels;
};

struct ExecResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr interleaved
};

// Progress lines of a pull or build ("Pulling fs layer", "Step 2/5 : RUN ...").
using ProgressFn = std::function<void(const std::string& line)>;

class Engine {
 public:
  virtual ~Engine() = default;

  // Human-readable endpoint, e.g. "unix:///var/run/docker.sock".
  virtual std::string endpoint() const = 0;
  // Throws EngineError naming the endpoint when the engine does not answer.
  virtual void ping() = 0;

  // All containers (running or not) carrying every label in `filter`.
  virtual std::vector<ContainerInfo> list_containers(const Labels& filter) = 0;
  virtual std::optional<ContainerState> inspect_container(const std::string& id) = 0;
  // Returns the new container's id.
  virtual std::string create_container(const ContainerSpec& spec) = 0;
  virtual void start_container(const std::string& id) = 0;
  // Stops with the container's stop signal, then SIGKILL after `timeout_seconds`.
  // Stopping a container that is not running is not an error.
  virtual void stop_container(const std::string& id, int timeout_seconds) = 0;
  // Removes (forcefully, with anonymous volumes). Removing a missing one is not an error.
  virtual void remove_container(const std::string& id) = 0;
  // The last `lines` lines of the container's stdout and stderr.
  virtual std::string logs_tail(const std::string& id, int lines) = 0;
  // Runs argv inside a running container and waits for it to finish.
  virtual ExecResult exec(const std::string& id, const std::vector<std::string>& argv) = 0;

  virtual std::optional<ImageInfo> inspect_image(const std::string& ref) = 0;
  virtual void pull_image(const std::string& ref, const ProgressFn& progress) = 0;
  // Builds `context_dir` (tarred) with `dockerfile` (relative to it), tags the result
  // as `tag`; intermediate containers are removed. Throws EngineError with the build's
  // error message on failure.
  virtual void build_image(const std::string& context_dir, const std::string& dockerfile,
                           const std::string& tag, const Labels& labels,
                           const ProgressFn& progress) = 0;

  virtual std::vector<NetworkInfo> list_networks(const Labels& filter) = 0;
  // Returns the new network's id (a user-defined bridge).
  virtual std::string create_network(const std::string& name, const Labels& labels) = 0;
  virtual void remove_network(const std::string& id) = 0;
};

}  // namespace boss
