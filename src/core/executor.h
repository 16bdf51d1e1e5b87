// Carries out a Plan: one executor for every command. It walks the plan's services over
// the dependency graph (dependencies first for start plans, dependents first for stop
// plans), concurrently where independent (on a bounded pool of workers, not a thread per
// service), and runs each service's steps (plan.h's
// steps_for) with no decisions of its own, except the one the plan leaves for the
// service's turn: start decisions are made again then, because a dependency's hooks may
// have changed the context its templates read.
//
// Never throws for a service's failure: that is in the result (and was emitted as
// events). A failed service skips everything that waits on it; Ctrl-C begins nothing new.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/engine_gate.h"
#include "core/operation.h"
#include "core/outcome.h"
#include "core/plan.h"
#include "core/service_progress.h"

namespace boss {

// How long a pre_stop hook may take before boss gives up on it and stops the container.
inline constexpr std::chrono::seconds kPreStopTimeout{60};

struct ExecuteOptions {
  double ping_timeout = 300;      // start: per service, from its container's start
  // The grace before the engine kills, for every service (stop --timeout); nullopt: each
  // service's own stop_timeout (default kDefaultStopTimeout). Stop, restart, and
  // containers replaced by a start.
  std::optional<double> stop_timeout;
  std::set<std::string> forced;   // start: these services get new containers (reload)
  // start: of `forced`, these are replaced new-first when they can be (plan.h's
  // can_start_first): readied beside the running one, which goes only then.
  std::set<std::string> new_first;
  std::set<std::string> rebuild;  // start: these image references are built anew (--build)
  std::set<std::string> rerun;    // start: these jobs run anew even if done (run-jobs)
  std::size_t keep_runs = 0;      // start: each job keeps its newest N run logs (0: all)
  // Container calls in flight at most, per engine (0: kDefaultEngineCalls); and when set,
  // job runs at once at most (each from its start to its end, sidecars included).
  std::size_t parallel = 0;
  // Services (and their instances) in progress at once at most, each on a worker of a
  // pool (work_pool.h); 0: kWorkersPerEngineCall per container call in flight.
  std::size_t workers = 0;
  // A restart plan: its decisions are carried out as they are (no image, no new decision).
  bool restart = false;
  // start: called with a service's name and its new container's id after the container
  // is created (or taken from those created ahead) and before it starts (a launch's
  // input file, core/launch.h); an EngineError it throws fails the service.
  std::function<void(const std::string& service, const std::string& container)> after_create;
};

struct Execution {
  CommandResult result;
  // Images that builds of this execution replaced; remove them once nothing uses them.
  std::vector<std::string> replaced_images;
};

Execution execute(Operation& op, const Plan& plan, const Observed& observed, const ExecuteOptions& options);

// The grace `spec`'s containers get before the engine kills them.
double grace_for(const ExecuteOptions& options, const ServiceSpec* spec);

// Makes the named volumes `config` mounts, before its container is created, so they carry
// the project's labels (the engine would make them bare on create); one already there is
// kept with its data. Each call goes through `gate`. Throws EngineError, Interrupted.
void create_named_volumes(Operation& op, EngineGate& gate, const DesiredConfig& config);

// Runs `spec`'s pre_stop hook (if it has one) on its running container `container_id`,
// before boss stops it. A failure does not keep the container from stopping: it is
// emitted as a warning and returned ("pre_stop failed: ..."); "" when it went well.
std::string run_pre_stop(Operation& op, const ServiceSpec& spec, const std::string& container_id,
                         ServiceProgress& progress);

// The container name of a service's instance (the instance shown, instances.h):
// "<project>-<service>" for a single container, "<project>-<service>-<i>" for one of
// several; when that name is held by another project's (or another service's) container,
// a name derived from both that cannot collide.
std::string container_name(const Project& project, const std::string& service, int instance = 0);
std::string collision_free_name(const Project& project, const std::string& service, int instance = 0);

// What the service's container is created from: `config` with the project's network,
// the service's name as alias and hostname, and the identity labels. `instance`: the
// instance shown (instances.h); every instance answers to the service's name, and one
// of several also to "<service>-<i>".
ContainerSpec container_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config,
                             int instance = 0);

}  // namespace boss
