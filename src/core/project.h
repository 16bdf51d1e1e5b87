// The project as described by services.lua, after the Lua side has been read into plain
// data. Nothing in here knows about Lua or Docker: core code works on these structs only.
#pragma once

#include <filesystem>
#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/registry_auth.h"
#include "core/healthcheck.h"
#include "core/job.h"

namespace boss {

// pre_stop runs on the host before boss stops or replaces a running container. pre_pull
// runs before boss pulls the service's image (not when it is present or built). A job's
// did_run (jobs only) decides whether it already ran, instead of its last exit; its
// post_run(exit_code) (jobs only) runs after every run of it.
enum class Hook { did_run, pre_pull, pre_start, ping, post_start, post_run, pre_stop };
// Every service hook, in the order they run: the one list of hook names
// (services.lua's methods are hook_name(hook)).
inline constexpr Hook kHooks[] = {Hook::did_run,    Hook::pre_pull, Hook::pre_start, Hook::ping,
                                  Hook::post_start, Hook::post_run, Hook::pre_stop};
const char* hook_name(Hook hook);
// did_run and post_run: only a job (kind = "job") has them.
bool is_job_hook(Hook hook);

struct PortBinding {
  int container_port = 0;
  std::string protocol = "tcp";  // "tcp" or "udp"
  int host_port = 0;             // 0 = any free port chosen by the engine
  std::string host_ip = {};      // "" = every address of the host; else one IPv4/IPv6 address
  bool operator==(const PortBinding&) const = default;
};

struct VolumeMount {
  std::string source;  // absolute host path, or when `named` the engine's volume name
  std::string target;  // path inside the container
  std::string mode;    // "" (engine default), "ro", "rw", ...
  bool named = false;
  std::string volume;  // named: the name services.lua gives it (source is <project>_<volume>)
  bool operator==(const VolumeMount&) const = default;
};

// What `boss proxy` forwards to (`http = { port = 8080 }`): the container port its
// requests go to. Not part of the container's config: changing it recreates nothing.
struct HttpEndpoint {
  int port = 0;  // 1..65535
  bool operator==(const HttpEndpoint&) const = default;
};

// A sync rule of `boss watch` (`watch = { { path = "src", target = "/app/src" } }`): a
// file changed under `path` is copied into the running container at the same place under
// `target`, a file deleted there is deleted in it, and with `restart` the container is
// restarted after the copy. Not part of the container's config: changing it recreates
// nothing.
struct SyncRule {
  std::string path;                 // absolute host path inside the project's folder
  std::string target;               // absolute path in the container
  bool restart = false;
  std::vector<std::string> ignore;  // .dockerignore patterns, relative to `path`
  bool operator==(const SyncRule&) const = default;
};

// How a launched container (core/launch.h) gets its input: the file /input.json in it,
// the environment variable INPUT_JSON, or INPUT_JSON_URL, an address of boss proxy's.
enum class LaunchInput { file, env, url };
const char* launch_input_name(LaunchInput input);

struct ServiceSpec {
  std::string name;
  std::string image;
  std::vector<std::string> dependencies;           // all of them, optional ones too
  std::set<std::string> optional_dependencies;     // skipped when their profiles are inactive
  std::vector<std::string> profiles;               // empty: always started (selection.h)
  std::map<std::string, std::string> env;  // values are templates: "{key}" is filled at start
  // Env keys whose values are secret (`secret_env`, or a boss.secret value): the
  // boss.config label holds a digest of them, and no output shows them (core/secrets.h).
  std::set<std::string> secret_env;
  std::vector<PortBinding> ports;
  std::vector<VolumeMount> volumes;
  std::optional<std::vector<std::string>> cmd;         // templates too
  std::optional<std::vector<std::string>> entrypoint;  // templates too
  std::string user;
  std::string working_dir;           // "" = the image's WORKDIR
  bool init = false;                 // the engine's init (tini) as PID 1
  std::map<std::string, std::string> labels;  // the user's own container labels (never boss.*)
  bool always_start_new = false;
  std::string stop_signal;           // "" = engine/image default
  // Grace between the stop signal and SIGKILL; nullopt: kDefaultStopTimeout (and not sent
  // to the engine, so the container's own default stays).
  std::optional<double> stop_timeout;
  // nullopt: the image's own health check, if it has one.
  std::optional<HealthCheck> healthcheck;
  std::string restart;               // as written ("on-failure:3"); "" when not set (no policy)
  std::string build_from_directory;  // absolute path, "" when the image is never built
  std::string dockerfile = "Dockerfile";
  std::map<std::string, std::string> build_args;  // --build-arg NAME=VALUE of the build
  double ping_interval = 0.1;        // seconds between two ping calls
  int instances = 1;                 // replicas: containers run from this definition (>= 1)
  // kind = "job": it runs to completion, and its dependents wait until it exited with
  // success (core/job.h); `job` says how it ends. A service otherwise.
  bool is_job = false;
  JobSpec job;
  // A job's run logs go here (absolute; `log_dir`); "": logs/ beside services.lua.
  std::string log_dir;
  // Jobs: the names of the Project::sidecars started beside every run of it (on the
  // project network, reachable by those names), and removed when it ends (core/sidecars.h).
  std::vector<std::string> sidecars;
  // Credentials for pulling and pushing `image`, from services.lua; none: the docker
  // CLI's (Operation::credentials). Never part of the config hash, labels or output.
  std::optional<RegistryAuth> registry_auth;
  // Set: `boss proxy` routes /<name>/... and <name>.<domain> to this port (src/proxy/).
  std::optional<HttpEndpoint> http;
  // The engine it runs on: a name services.lua declares with boss.engine; "" = the usual
  // one (-H, DOCKER_HOST, the context). Not part of the config: moving it makes a new
  // container there anyway.
  std::string engine;
  // on_demand = true: `boss start` of all services leaves it out (unless a service it
  // starts depends on it); naming it starts it, and `boss proxy` starts it on its first
  // request (src/proxy/on_demand.h). Not part of the container's config.
  bool on_demand = false;
  // mem_limit = "512m": the container's memory limit in bytes (HostConfig.Memory), part
  // of its config; also what `boss proxy --memory-budget` counts (src/proxy/budget.h).
  std::optional<std::int64_t> mem_limit;
  // idle_timeout = "5m" (on_demand services only): `boss proxy` stops it after this many
  // seconds with no request and no open proxied connection. Not part of the config.
  std::optional<double> idle_timeout;
  // kind = "template": a class of containers `boss launch` and POST /_boss/launch make,
  // each <project>-<template>-<id> (core/launch.h); never started by itself. `input`
  // (templates only) says how the launch's input reaches each.
  bool is_template = false;
  LaunchInput input = LaunchInput::file;
  // `boss watch`'s sync rules (src/cli/watch_command.h), in the order written.
  std::vector<SyncRule> watch;
  std::string defined_at;            // "services.lua:12", for error messages
  bool has_pre_start = false;
  bool has_ping = false;
  bool has_post_start = false;
  bool has_pre_stop = false;
  bool has_did_run = false;
  bool has_pre_pull = false;
  bool has_post_run = false;

  bool has_hook(Hook hook) const;
  void set_has_hook(Hook hook);
  bool operator==(const ServiceSpec&) const = default;
};

inline constexpr double kDefaultStopTimeout = 10;

// An engine services.lua declares (boss.engine "edge" { host = ..., tls = {...} }) for
// services to run on (`engine = "edge"`); core only routes by its name (engine_set.h),
// src/cli makes the engine from it.
struct EngineSpec {
  std::string name;
  std::string host;  // as written: unix:///path, tcp://host[:port], ssh://[user@]host[:port]
  struct Tls {
    std::string ca, cert, key;  // absolute paths; "" = not given
    bool verify = true;         // check the engine's certificate (ca required then)
    bool operator==(const Tls&) const = default;
  };
  std::optional<Tls> tls;  // nullopt: plain TCP (or not TCP at all)
  // Where other engines reach the ports it publishes; "" = the host of `host`.
  std::string address;
  std::string defined_at;  // "services.lua:3"
  bool operator==(const EngineSpec&) const = default;
};

struct Project {
  std::string name;                // the slug used in resource names and labels
  std::filesystem::path file;      // absolute path of services.lua
  std::filesystem::path dir;       // its folder: relative paths are resolved against it
  std::vector<ServiceSpec> services;  // in declaration order
  std::vector<EngineSpec> engines;    // boss.engine declarations, in order
  // The services jobs name as their `sidecars`: never started on their own (no service of
  // the project is one of them), only beside the jobs that name them (core/sidecars.h).
  std::vector<ServiceSpec> sidecars;
  // The templates (kind = "template"): never started, planned or shown as services; only
  // launched (core/launch.h).
  std::vector<ServiceSpec> templates;

  const ServiceSpec* find_template(const std::string& name) const;
  const EngineSpec* find_engine(const std::string& engine) const;
  const ServiceSpec* find_sidecar(const std::string& name) const;

  const ServiceSpec* find(const std::string& service) const;
  std::vector<std::string> names() const;
  // What boss keeps between runs, per project (so `-p` projects of one file never share
  // it): .boss/<project>/ beside services.lua.
  std::filesystem::path state_dir() const { return dir / ".boss" / name; }
  std::filesystem::path context_file() const { return state_dir() / "context.json"; }
  std::filesystem::path journal_file() const { return state_dir() / "journal.json"; }
  std::string network_name() const { return "boss-" + name; }
  std::string container_name(const std::string& service) const { return name + "-" + service; }
  // The engine's name of a named volume: <project>_<volume>, as compose names them.
  std::string volume_name(const std::string& volume) const { return name + "_" + volume; }
  // Gives every named volume its engine name; call once the project's name is known.
  void name_volumes();
};

// Labels every boss resource carries. Identity always comes from these, never from names.
inline constexpr const char* kLabelProject = "boss.project";
inline constexpr const char* kLabelService = "boss.service";
inline constexpr const char* kLabelConfigHash = "boss.config-hash";
inline constexpr const char* kLabelConfig = "boss.config";  // canonical JSON of the hashed config
// The service's dependencies, comma-separated: lets `stop` order containers even when
// services.lua is missing or broken.
inline constexpr const char* kLabelDependencies = "boss.dependencies";
// On named volumes: the name services.lua gives the volume.
inline constexpr const char* kLabelVolume = "boss.volume";
// The replica number of a container, 1-based (instances.h). Containers made before
// replicas existed have none, and count as instance 1.
inline constexpr const char* kLabelInstance = "boss.instance";
// On a launched container (core/launch.h): the template it was made from. Its
// boss.service is its own name, <template>-<id>.
inline constexpr const char* kLabelTemplate = "boss.template";

}  // namespace boss
