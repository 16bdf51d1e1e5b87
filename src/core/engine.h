// The container engine as boss needs it: a narrow, synchronous interface.
//
// Contract for every implementation:
//  - every method may be called from any thread, concurrently;
//  - failures throw boss::EngineError whose message names what was being done
//    ("create container todo-web: 409 Conflict: ...");
//  - "not found" is not an error where the return type is optional;
//  - calls that can take long (pull, build, exec, logs, events) take a Cancel; once it
//    is requested they throw boss::Interrupted (logs and events: return) within ~200 ms.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "core/registry_auth.h"
#include "core/healthcheck.h"
#include "core/restart_policy.h"
#include "core/swarm.h"

namespace boss {

class Cancel;

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
  std::string image;     // the reference it was created from, as listed
  std::string image_id;  // "sha256:..."
  Labels labels;
  std::vector<PublishedPort> ports;  // only filled for running containers
  std::vector<std::string> volumes;  // the named volumes it mounts
  // Network name -> the container's IPv4 address on it (running containers; "" when none).
  std::map<std::string, std::string> addresses;
  // An exited container's exit code: the list does not carry it, observe() fills it in for
  // the containers of jobs (an inspect each); nullopt otherwise.
  std::optional<int> exit_code;
  // Which of a project's engines holds it, by the name services.lua declares ("" = the
  // usual one): filled by an EngineSet (core/engine_set.h); nullopt from a single engine.
  std::optional<std::string> engine;
  bool running() const { return state == "running"; }
};

// Detailed state of one container (inspect).
struct ContainerState {
  std::string id;
  std::string name;    // without the leading '/'
  std::string status;  // as ContainerInfo::state
  bool running = false;
  int exit_code = 0;
  std::string error;   // engine-side error text, e.g. an OCI runtime failure
  std::string image;   // the reference it was created from (Config.Image)
  std::string started_at;   // RFC 3339 as the engine writes it; "" if never started
  std::string finished_at;  // RFC 3339; "" while it never stopped
  std::string health;       // "", "starting", "healthy", "unhealthy"
  std::string health_log;   // output of the last health check, when there is one
  double health_interval = 0;  // seconds between its health checks (Config.Healthcheck); 0: the engine's default
  bool oom_killed = false;
  RestartPolicy restart;    // HostConfig.RestartPolicy ("no" reads as the empty policy)
  Labels labels;
  std::vector<PublishedPort> ports;
};

struct ImageInfo {
  std::string id;  // "sha256:..."
};

// One image, as listed by the engine.
struct ImageSummary {
  std::string id;                 // "sha256:..."
  std::vector<std::string> tags;  // "name:tag"; empty for a dangling image
  Labels labels;
};

struct VolumeInfo {
  std::string name;
  Labels labels;
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
  std::string working_dir;  // "": the image's
  bool init = false;        // the engine's init process as PID 1 (HostConfig.Init)
  std::optional<std::int64_t> mem_limit;  // bytes (HostConfig.Memory); nullopt: no limit
  std::string stop_signal;
  std::optional<double> stop_timeout;       // seconds; sent as whole seconds, rounded up
  std::optional<HealthCheck> healthcheck;   // nullopt: the image's own
  RestartPolicy restart;  // empty: the engine's default (no)
  struct Port {
    int container_port = 0;
    std::string protocol = "tcp";
    int host_port = 0;  // 0: the engine picks a free port
    std::string host_ip = {};  // "": every address
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
  // One-off containers (boss run): a terminal for the process, and stdin kept open for an
  // attached client until it closes its end (then the process sees end of input).
  bool tty = false;
  bool open_stdin = false;
};

// One sample of a running container's resource use (GET /containers/{id}/stats, one shot).
struct ContainerStats {
  // Bytes of memory in use as `docker stats` counts them: the cgroup's usage less its
  // inactive page cache (cgroup v1's total_inactive_file, v2's inactive_file), which the
  // kernel takes back before it would kill for memory.
  std::int64_t memory_usage = 0;
  // The bytes it may use, as the engine reports them: its mem_limit, or the host's memory
  // when it has none (the engine says no more). 0: not reported.
  std::int64_t memory_limit = 0;
};

struct ExecResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr interleaved
};

// One step of a pull or a build, as data (renderers draw bars from it).
struct ImageProgress {
  enum class Kind { pull, build, push };
  Kind kind = Kind::pull;
  // pull and push: the layer this is about ("" for whole-image messages such as
  // "Digest: sha256:..."), its status ("Pulling fs layer", "Downloading", "Pull
  // complete", ...) and, while bytes move, how many of how many (total 0 = unknown).
  std::string layer;
  std::string status;
  std::int64_t current = 0;
  std::int64_t total = 0;
  // build: one line of output without its newline ("Step 2/5 : RUN make"), and the
  // step it belongs to when the builder numbered it (0 = unknown).
  std::string text;
  int step = 0;
  int steps = 0;
};
using ProgressFn = std::function<void(const ImageProgress& progress)>;

struct BuildRequest {
  std::string context_dir;  // a folder; tarred honouring its .dockerignore
  std::string dockerfile;   // relative to context_dir; "" = "Dockerfile"
  std::string tag;          // the built image is tagged so
  Labels labels;            // set on the image
  std::map<std::string, std::string> args = {};  // the Dockerfile's ARGs (--build-arg)
};

// What stop_container did.
struct StopResult {
  // The container ignored its stop signal for the whole grace period and was killed.
  bool killed = false;
};

struct LogRequest {
  bool follow = false;     // keep streaming until the container stops
  int tail = -1;           // the last N lines first; -1 = all of them
  std::string since;       // only lines at or after this UNIX time ("1700000000.5"); "" = all
};

// One line a container wrote. Lines come whole: partial writes are joined, and the
// final newline is dropped; a last line without one is delivered when the log ends.
struct LogLine {
  enum class Stream { out, err };
  Stream stream = Stream::out;
  std::string timestamp;  // RFC 3339 with nanoseconds, as the engine stamped it
  std::string text;
};
using LogLineFn = std::function<void(const LogLine& line)>;

// One event of the engine's event stream.
struct EngineEvent {
  std::string type;    // "container", "network", "image", ...
  std::string action;  // "create", "start", "die", "destroy", "health_status: healthy", ...
  std::string id;      // the object's id
  Labels attributes;   // the object's labels plus "name", "image", "exitCode", ...
  std::int64_t time_nano = 0;  // the engine's clock
};
using EngineEventFn = std::function<void(const EngineEvent& event)>;

// A process's standard streams over a connection the engine took over (attached exec or
// container). Used from one thread at a time.
class AttachedStreams {
 public:
  using OutputFn = std::function<void(LogLine::Stream stream, std::string_view bytes)>;
  virtual ~AttachedStreams() = default;
  // A descriptor that polls readable when read() has something (or the end) to report.
  virtual int fd() const = 0;
  // Blocks until output arrives, hands it to `on_output` (demultiplexed into stdout and
  // stderr without a TTY; all stdout with one) and returns true; false once the output
  // has ended (the process exited). Throws EngineError when the connection fails.
  virtual bool read(const OutputFn& on_output) = 0;
  // Sends bytes to the process's stdin. Throws EngineError when the connection fails.
  virtual void write(std::string_view bytes) = 0;
  // Ends the process's stdin (the connection's write half), output goes on.
  virtual void close_stdin() = 0;
};

// What `boss exec` runs: argv in a running container, with a TTY or plain streams.
struct ExecSpec {
  std::vector<std::string> argv;
  bool tty = false;
  bool attach_stdin = false;
};

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
  // Stops with the container's stop signal, then SIGKILL after `timeout_seconds`
  // (fractions round up to whole seconds, the engine's unit). Stopping a container that
  // is not running (or is gone) is not an error.
  virtual StopResult stop_container(const std::string& id, double timeout_seconds) = 0;
  // Removes (forcefully, with anonymous volumes). Removing a missing one is not an error.
  virtual void remove_container(const std::string& id) = 0;
  // Gives the container the name `name` (its aliases on networks stay as they were).
  virtual void rename_container(const std::string& id, const std::string& name) = 0;
  // The last `lines` lines of the container's stdout and stderr.
  virtual std::string logs_tail(const std::string& id, int lines) = 0;
  // Streams the container's log lines, in order, to `on_line` (called on the calling
  // thread), as they arrive: never the whole log in memory. Returns when the log ends
  // (at once without `follow`; with it, when the container stops) or when `cancel` is
  // requested. A container that is gone throws EngineError with status 404.
  virtual void follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                           const Cancel& cancel) = 0;
  // Unpacks `tar` (uncompressed; entries relative to `directory`, parents made as needed)
  // into the container's filesystem at `directory` (absolute, must exist in it), running
  // or not: PUT /containers/{id}/archive. A container that is gone: EngineError, 404.
  virtual void put_archive(const std::string& id, const std::string& directory, const std::string& tar) = 0;
  // One sample of a running container's resource use, given up on after `timeout` (an
  // EngineError). nullopt when it is gone or does not run (the engine has no sample).
  virtual std::optional<ContainerStats> container_stats(const std::string& id, std::chrono::milliseconds timeout) = 0;
  // Runs argv inside a running container and waits for it to finish. Cancelled: throws
  // Interrupted (the command may go on inside the container).
  virtual ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) = 0;

  virtual std::optional<ImageInfo> inspect_image(const std::string& ref) = 0;
  // Pull, push and build report progress as they go; cancelled, they throw Interrupted
  // and the engine drops the request (a pull may go on in the engine's background, a
  // build stops). Pull and push send `auth` (empty: none) to the ref's registry; a
  // registry that refuses is an EngineError "pull of REF failed: HOST: unauthorized
  // (check the credentials for HOST)". No secret of `auth` is ever in an error.
  virtual void pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                          const Cancel& cancel) = 0;
  // Pushes the local image `ref` (name:tag) to its registry; progress is Kind::push.
  virtual void push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                          const Cancel& cancel) = 0;
  // Tags the result as request.tag; intermediate containers are removed. Throws
  // EngineError with the build's own error message on failure.
  virtual void build_image(const BuildRequest& request, const ProgressFn& progress, const Cancel& cancel) = 0;
  // Removes an image by id or reference (not forced: an image a container uses stays,
  // and that is an EngineError with status 409). A missing image is not an error.
  virtual void remove_image(const std::string& image) = 0;
  // All images (dangling ones too) carrying every label in `filter`.
  virtual std::vector<ImageSummary> list_images(const Labels& filter) = 0;

  virtual std::vector<VolumeInfo> list_volumes(const Labels& filter) = 0;
  // Creates a named volume (local driver). One of that name already there is kept as it
  // is, and that is not an error.
  virtual void create_volume(const std::string& name, const Labels& labels) = 0;
  // A missing volume is not an error; one a container uses is (EngineError, status 409).
  virtual void remove_volume(const std::string& name) = 0;

  virtual std::vector<NetworkInfo> list_networks(const Labels& filter) = 0;
  // Returns the new network's id (a user-defined bridge).
  virtual std::string create_network(const std::string& name, const Labels& labels) = 0;
  virtual void remove_network(const std::string& id) = 0;

  // Streams the engine's events about containers carrying every label of `filter`, from
  // now on, to `on_event` (on the calling thread), until `cancel` is requested (then it
  // returns) or the stream breaks (EngineError). `on_subscribed` is called once, as soon
  // as the engine has accepted the subscription: nothing that happens after it is missed.
  virtual void watch_events(const Labels& filter, const EngineEventFn& on_event,
                            const std::function<void()>& on_subscribed, const Cancel& cancel) = 0;

  // --- attached processes (boss exec, boss run) ---
  // Creates an exec instance in a running container; returns its id. A container that
  // is not running: EngineError with status 409.
  virtual std::string create_exec(const std::string& container_id, const ExecSpec& spec) = 0;
  // Starts the exec with its streams attached; the process runs once this returns.
  virtual std::unique_ptr<AttachedStreams> start_exec(const std::string& exec_id, bool tty) = 0;
  // The exec's TTY size, in characters.
  virtual void resize_exec(const std::string& exec_id, int rows, int columns) = 0;
  // The exit code of an exec whose output has ended (waits briefly for the engine to
  // record it). Cancelled: throws Interrupted.
  virtual int exec_exit_code(const std::string& exec_id, const Cancel& cancel) = 0;
  // Attaches to a created (not yet started) container's streams, stdin too when asked.
  virtual std::unique_ptr<AttachedStreams> attach_container(const std::string& id, bool stdin, bool tty) = 0;
  virtual void resize_container(const std::string& id, int rows, int columns) = 0;
  // Waits until the container is not running and returns its exit code. Cancelled:
  // throws Interrupted.
  virtual int wait_container(const std::string& id, const Cancel& cancel) = 0;

  // --- health checks an engine only runs when asked ---
  // Docker runs a container's health check on its own and reports through events: it
  // returns nullopt, and the caller only listens. podman's API service without systemd
  // (whose timers would run them) never runs them by itself: there this runs the check
  // once and returns the container's health after it ("starting", "healthy",
  // "unhealthy"), and the caller asks again at the check's interval. Throws EngineError.
  virtual std::optional<std::string> run_health_check(const std::string& id) {
    (void)id;
    return std::nullopt;
  }

  // --- several engines behind one (core/engine_set.h) ---
  // How many engines take this one's calls, and which of them (0-based) a service's
  // containers are on: operations bound the calls in flight per engine (EngineGate).
  virtual std::size_t engine_count() const { return 1; }
  virtual std::size_t engine_index(const std::string& service) const {
    (void)service;
    return 0;
  }

  // --- Docker Swarm (boss deploy, core/deploy.h) ---
  // An engine that is no swarm manager throws EngineError from every call but
  // swarm_state; engines that know nothing of Swarm (podman) do so too.
  virtual SwarmState swarm_state() { return {}; }
  // The registry digest ("sha256:...") of `ref` as the engine resolves it there (GET
  // /distribution): what every node will pull. EngineError when the registry does not have it.
  virtual std::string registry_digest(const std::string& ref, const RegistryAuth& auth) {
    (void)ref, (void)auth;
    no_swarm();
  }
  // The services carrying every label of `filter`.
  virtual std::vector<SwarmService> list_services(const Labels& filter) {
    (void)filter;
    no_swarm();
  }
  // Returns the new service's id; `auth` lets the nodes pull a private image.
  virtual std::string create_service(const SwarmServiceSpec& spec, const RegistryAuth& auth) {
    (void)spec, (void)auth;
    no_swarm();
  }
  // Replaces the service's spec; `version` is the one it was listed with (the engine
  // refuses a stale one). Swarm rolls its tasks over to the new spec.
  virtual void update_service(const std::string& id, std::uint64_t version, const SwarmServiceSpec& spec,
                              const RegistryAuth& auth) {
    (void)id, (void)version, (void)spec, (void)auth;
    no_swarm();
  }
  // A missing service is not an error.
  virtual void remove_service(const std::string& id) {
    (void)id;
    no_swarm();
  }
  // The tasks of these services (ids or names), the old ones the engine keeps too.
  virtual std::vector<SwarmTask> list_tasks(const std::vector<std::string>& services) {
    (void)services;
    no_swarm();
  }
  virtual std::vector<SwarmNode> list_nodes() { no_swarm(); }
  // Returns the new network's id: an attachable overlay network of the swarm.
  virtual std::string create_overlay_network(const std::string& name, const Labels& labels) {
    (void)name, (void)labels;
    no_swarm();
  }

  // Where other hosts reach the ports this engine publishes for container `id`: the host
  // of its tcp:// or ssh:// endpoint; "" when it is this machine (a unix socket).
  virtual std::string published_address(const std::string& id) {
    (void)id;
    return "";
  }

 private:
  [[noreturn]] void no_swarm() const { throw EngineError(endpoint() + ": this engine does not run swarm services"); }
};

}  // namespace boss
