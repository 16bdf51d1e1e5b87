// Deciding what an operation does to each service, before anything is touched, in the
// style of compose's observe -> reconcile: observe() reads the engine (a few calls, no
// decisions); decide() is pure and gives every action its reason; plan_start() and
// plan_stop() decide for a whole selection; steps_for() turns one decision into the
// steps the executor carries out, in order. `--dry-run` shows the Plan.
//
// One rule per fact: whether the project network is there (Observed), why a template
// cannot be filled (describe_unfilled), why a service must get a new container whatever
// its definition says (forced_replacement).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/project.h"
#include "core/start_journal.h"

namespace boss {

// What an operation does to one service, and why.
struct Decision {
  std::string service;
  int instance = 0;                   // 1-based replica; 0 for a single-container service
  ActionKind kind = ActionKind::create;
  std::string reason;                 // "no container", "env USER_ID changed", ...
  std::string container_id;           // the container kept/started/replaced, if any
  std::vector<std::string> remove;    // start: removed first (replaced, stale, duplicates); stop: removed
  std::vector<std::string> stop;      // stop: running containers to stop
  // start: its image must be fetched first.
  enum class Image { present, pull, build };
  Image image = Image::present;
  // start of a job: container_id is running already (an earlier boss's run of it), so
  // this run is waited for, not begun: no pre_start, no new sidecars.
  bool running = false;
  // start: its container is created while its dependencies come up (create_ahead.h).
  bool create_ahead = false;
  // start (reload): the new container is made and readied beside the running one (as
  // `<name>-next`); once ready it is up, takes the name (the old one renamed aside), and
  // only then does the old one go. A failure before it is ready leaves the old one
  // running (can_start_first); one after (a rename, the old one's stop) is a warning.
  bool start_first = false;
  bool new_container() const { return kind == ActionKind::create || kind == ActionKind::recreate; }
};

// A whole operation, decided before anything is touched: `--dry-run` shows it, the
// executor carries it out.
struct Plan {
  std::string command;              // "start", "stop", "reload"
  std::string project;
  std::vector<Decision> services;   // in the order they are begun
  bool create_network = false;      // start: the project network does not exist yet
  std::vector<std::string> remove_networks;  // stop --remove of the whole project: by name
  std::vector<std::string> remove_orphans;   // containers (names) of services no longer defined
  std::vector<std::string> remove_one_offs;  // stop --remove of the whole project, down: `boss run --keep`'s
  std::vector<std::string> remove_launched;  // stop of the whole project, down: containers launched from templates
  std::vector<std::string> remove_volumes;   // down --volumes, prune --volumes: named volumes
  std::vector<std::string> remove_images;    // prune --images: images boss built (tags, or ids)
  bool remove_state = false;        // stop --remove of the whole project: context and journal go
  std::vector<std::string> inactive;  // start: services left out because their profiles are inactive
  std::vector<std::string> on_demand;  // start: on-demand services left out (started by boss proxy)
  // Stop, down and prune plans walk dependents first; start and restart plans dependencies first.
  bool stops() const { return command != "start" && command != "restart"; }
};

// What the engine holds for a project, read in a few calls.
struct Observed {
  std::map<std::string, std::vector<ContainerInfo>> containers;  // by boss.service label
  std::vector<ContainerInfo> orphans;  // project containers of services no longer defined
  std::vector<ContainerInfo> one_offs;  // `boss run`'s containers (kept ones, or running)
  // Containers launched from a template (boss.template) the project defines, under their
  // own service names (core/launch.h): never a service's, never an orphan.
  std::vector<ContainerInfo> launched;
  std::map<std::string, std::string> image_ids;  // image reference -> id, "" if missing
  std::vector<NetworkInfo> networks;             // networks labelled with the project
  std::string network_name;                      // the one the project's containers join

  const std::vector<ContainerInfo>& of(const std::string& service) const;
  // Those of instance `number` (instances.h).
  std::vector<ContainerInfo> of(const std::string& service, int number) const;
  // The instance numbers the service's containers carry, in ascending order.
  std::vector<int> instance_numbers(const std::string& service) const;
  // The project network exists (containers made for a pruned one cannot start again).
  bool network_present() const;
};

// Lists the project's containers and networks; with `images`, also inspects the image
// of every service (start needs them, stop does not). The exited containers of jobs are
// inspected for their exit code (ContainerInfo::exit_code).
Observed observe(Engine& engine, const Project& project, bool images = true);

// What a decision is made from.
struct DecideInput {
  const ServiceSpec& spec;
  const std::vector<ContainerInfo>& existing;
  std::optional<DesiredConfig> desired;  // nullopt: a {key} cannot be filled yet
  std::string unfilled_reason;           // then: why (describe_unfilled)
  std::string forced_reason;             // non-empty: a new container whatever the definition says
  std::optional<PendingStart> pending;   // an earlier start of it that did not finish
  // Jobs: what its did_run hook answered (nullopt: it has none, or it was not asked yet).
  std::optional<bool> did_run = std::nullopt;
  bool rerun = false;  // jobs: run it anew even if it is done (`boss run-jobs`)
  // reload: a forced replacement of a running container is made new-first when the
  // service allows it (can_start_first).
  bool new_first = false;
};
// keep, start, create, recreate or undecided, with the reason and the containers that go.
// A job is kept (done, not run again) when it is not to be rerun and either its did_run
// answered true, or, without a did_run, its container for the same definition exited
// with success and its start finished (nothing pending).
Decision decide(const DecideInput& input);

// Whether two containers of `spec` may run at once for a moment, so that a replacement
// can be readied before the old one goes: not a job (a second run is a second run), no
// fixed host port (the new one could not bind it), no volume mounted writable (two
// processes on one data folder, a database's say, can corrupt it). `why`: the reason
// when not.
bool can_start_first(const ServiceSpec& spec, std::string* why = nullptr);

// Why a new container is needed whatever the definition says, or "": a reload of it, a
// container on another engine than its `engine` names ("moved from engine 'edge' to the
// usual engine": every container goes, the old engine's too), always_start_new, or only
// stopped containers made for a project network that is gone.
std::string forced_replacement(const ServiceSpec& spec, bool reload, bool network_present,
                               const std::vector<ContainerInfo>& existing);

// "context key 'user_id' is not set (used in env USER_ID); db's hooks set it, and they
// run only when db gets a new container: `boss reload db`". `set_by`: the service whose
// hook last set the key, when known.
std::string describe_unfilled(const UnfilledTemplate& unfilled, const std::optional<std::string>& set_by);

struct StartPlanInput {
  const Project& project;
  const std::vector<std::string>& services;  // dependencies first
  const Observed& observed;
  const std::map<std::string, std::string>& context;  // text values, for templates
  std::function<std::optional<std::string>(const std::string& key)> set_by;  // may be empty
  std::map<std::string, PendingStart> pending;  // by instance_key
  std::set<std::string> forced;   // reload: these always get a new container
  std::set<std::string> rebuild;  // start --build: these images are built anew
  std::set<std::string> secret_keys;  // context keys with secret values (config.h)
  std::set<std::string> rerun = {};   // jobs run anew even if done (`boss run-jobs`)
  std::set<std::string> new_first = {};  // reload: replaced new-first when they can be
};
// One decision per instance of each service (instances 1..N), then one per instance
// above N that still has containers, highest first: those are stopped and removed
// (kind remove), and the others are decided as if alone.
Plan plan_start(const StartPlanInput& input);

// Stop (or with `remove`, remove) every container of `services` (dependents first): one
// decision per instance when the service has several.
// `whole_project`: the project network, orphans and the saved state go too (remove only).
Plan plan_stop(const Project& project, const std::vector<std::string>& services, const Observed& observed,
               bool remove, bool whole_project);

// Restart `services` (dependencies first): a running container is stopped and started
// again (restart), a stopped one started (start), a service without a container fails
// (restart makes none).
Plan plan_restart(const Project& project, const std::vector<std::string>& services, const Observed& observed);

// What the executor does for one decision, in order.
enum class StepKind {
  pre_start,     // the pre_start hook (a job's: before every run of it)
  remove_old,    // stop and remove `container_id`, replaced or stale
  create,        // a new container from the filled definition
  start,         // start the new container, or `container_id` (start action)
  wait_ready,    // ping (or settle) until ready
  post_start,    // the post_start hook
  stop,          // stop `container_id` (restart: its pre_stop first)
  remove,        // remove `container_id`
  rename,        // start_first, once it is up: the running one is renamed aside
                 // (`<name>-old`) and the new one takes the service's container name
};
struct Step {
  StepKind kind;
  std::string container_id;
  bool operator==(const Step&) const = default;
};
const char* step_name(StepKind kind);
std::vector<Step> steps_for(const Decision& decision, const ServiceSpec& spec);

}  // namespace boss
