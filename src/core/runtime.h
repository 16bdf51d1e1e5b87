// The state of boss for one project, able to run any number of operations, one after
// another or (for different projects) side by side: start, stop, reload, status, logs,
// and the plans behind --dry-run. A command-line run makes one and runs one operation; a
// long-running front (proxy, scheduler) keeps one and runs many.
//
// Each operation checks its request first (unknown names, contradictions, and for start
// and reload the build folders of what they start: a DefinitionError before anything is
// touched), then takes the project lock, reads the
// context and the start journal afresh (another boss may have changed them while it
// waited), observes, plans, executes, and reports everything as events, ending with a
// SummaryEvent. Cancelling the Cancel given at construction (Ctrl-C) interrupts whatever
// operation runs; each operation also has its own, as a child of it.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/context_store.h"
#include "core/deploy_run.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/hooks.h"
#include "core/locker.h"
#include "core/log_follower.h"
#include "core/log_sink.h"
#include "core/outcome.h"
#include "core/executor.h"
#include "core/plan.h"
#include "core/project.h"
#include "core/push.h"
#include "core/registry_auth.h"
#include "core/selection.h"
#include "core/start_journal.h"
#include "core/status.h"

namespace boss {

struct StartRequest {
  std::vector<std::string> services;  // and what they depend on; empty: all active ones
  std::vector<std::string> exclude;
  ProfileChoice profiles;             // which services with `profiles` are active (selection.h)
  bool remove_orphans = false;        // remove containers of services no longer defined (else warn)
  double timeout = 300;  // seconds each service may take to become ready
  bool build = false;    // rebuild images of services with build_from_directory first
  std::size_t parallel = 0;  // container calls in flight at most (0: the default)
  std::size_t workers = 0;   // services in progress at once at most (0: ExecuteOptions' default)
  // Jobs run anew even if they are done (`boss run-jobs`: select_jobs); the others are
  // started as a start starts them.
  std::set<std::string> rerun;
  std::size_t keep_runs = 0;  // each job keeps the logs of its newest N runs (0: all; core/run_log.h)
  // ExecuteOptions::after_create: between a new container's create and its start.
  std::function<void(const std::string& service, const std::string& container)> after_create;
};

struct StopRequest {
  std::vector<std::string> services;  // and what depends on them; empty: all
  std::vector<std::string> exclude;
  bool remove = false;
  std::optional<double> timeout;  // grace before the engine kills; nullopt: each service's stop_timeout
  std::size_t parallel = 0;
  std::size_t workers = 0;  // services in progress at once at most (0: ExecuteOptions' default)
};

// Stop and remove everything of the project (as stop --remove of all services).
struct DownRequest {
  bool volumes = false;  // the project's named volumes too
  std::optional<double> timeout;  // grace before the engine kills; nullopt: each service's stop_timeout
  std::size_t parallel = 0;
};

struct PruneRequest {
  bool images = false;   // images boss built for the project that nothing uses
  bool volumes = false;  // named volumes of the project that nothing uses
};

struct ReloadRequest {
  std::vector<std::string> services;  // rebuilt and replaced; their dependents restarted
  ProfileChoice profiles;             // dependents inactive by profile are restarted only when running
  bool remove = false;                // remove the stopped dependents' containers too
  double timeout = 300;
  std::optional<double> stop_timeout;  // nullopt: each service's stop_timeout
  std::size_t parallel = 0;
};

// Restart: each named service's container (all, when none is named) is stopped (its
// pre_stop first) and started again, dependencies first, each ready again before what
// depends on it restarts; a stopped one is started. No pre_start/post_start, and the
// containers stay as they were made: a changed definition is applied by start.
struct RestartRequest {
  std::vector<std::string> services;  // empty: all
  double timeout = 300;                // seconds each service may take to become ready again
  std::optional<double> stop_timeout;  // nullopt: each service's stop_timeout
  std::size_t parallel = 0;
  // Restarting all leaves out a service whose profiles are inactive, or that is on
  // demand, unless it runs now (it was started): there is nothing of it to restart.
  ProfileChoice profiles;
};

class Runtime {
 public:
  // Everything given must outlive the runtime. `context` is the store the hooks see.
  Runtime(const Project& project, Engine& engine, Hooks& hooks, ContextStore& context, EventSink& events,
          ProjectLocker& locker, const Cancel& cancel);

  // What start would do, touching nothing.
  Plan plan_start(const StartRequest& request);
  CommandResult start(const StartRequest& request);
  // What stop would do, touching nothing.
  Plan plan_stop(const StopRequest& request);
  CommandResult stop(const StopRequest& request);
  Plan plan_down(const DownRequest& request);
  CommandResult down(const DownRequest& request);
  Plan plan_prune(const PruneRequest& request);
  CommandResult prune(const PruneRequest& request);
  CommandResult reload(const ReloadRequest& request);
  // Pushes the images of built services to their registries (core/push.h).
  CommandResult push(const PushRequest& request);
  CommandResult restart(const RestartRequest& request);
  // The project's containers; on a swarm manager holding the project's Swarm services,
  // also their tasks per node (StatusReport::deploy), read while the containers are.
  StatusReport status();
  // boss deploy: the project as Swarm services on the engine, a swarm manager
  // (core/deploy_run.h); with --remove, its services and network removed; --status.
  CommandResult deploy(const DeployRequest& request);
  CommandResult deploy_remove();
  DeployStatus deploy_status();
  // Where registry credentials come from for services that give none (null: nowhere).
  // Must outlive the runtime.
  void set_credentials(CredentialSource* credentials) { m_credentials = credentials; }
  CredentialSource* credentials() const { return m_credentials; }
  void logs(const LogsRequest& request, LogSink& sink);

  const Project& project() const { return m_project; }
  // What it was made with: what a launch (core/launch.h) runs its own Runtime with.
  Engine& engine() const { return m_engine; }
  Hooks& hooks() const { return m_hooks; }
  ContextStore& context() const { return m_context; }
  EventSink& events() const { return m_events; }
  ProjectLocker& locker() const { return m_locker; }
  const Cancel& cancel() const { return m_cancel; }

 private:
  struct Prepared;
  std::unique_ptr<ProjectLocker::Held> lock(const Cancel& cancel);
  void load_state();
  CommandResult finish(CommandResult result);
  void run_group_hook(CommandResult& result, const char* what, const HookResult& hook);
  void remove_replaced_images(const std::vector<std::string>& ids);
  void warn_orphans(const Observed& observed);
  // Runs a plan that stops and removes (stop, down, prune) under the project lock.
  Plan down_plan(const DownRequest& request, const Observed& observed);
  Plan prune_plan(const PruneRequest& request, const Observed& observed);
  // Reload's second half: `stops` are stopped (dependents first), then `starts` begun
  // with `start` (dependencies first). A failed or interrupted stop is the result.
  CommandResult resume_dependents(Operation& op, const std::vector<std::string>& stops,
                                  const std::vector<std::string>& starts, const ReloadRequest& request,
                                  const std::function<CommandResult(const std::vector<std::string>&, const Observed&)>& start);
  CommandResult run_removal(const std::string& command, const std::vector<std::string>& services,
                            const std::function<Plan(const Observed&)>& plan, const ExecuteOptions& options);

  const Project& m_project;
  Engine& m_engine;
  Hooks& m_hooks;
  ContextStore& m_context;
  EventSink& m_events;
  ProjectLocker& m_locker;
  const Cancel& m_cancel;
  StartJournal m_journal;
  CredentialSource* m_credentials = nullptr;
};

}  // namespace boss
