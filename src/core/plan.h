// Deciding what to do with each service: observe (engine state in, no decisions), then a
// pure decide() per service whose every action carries its reason. `--dry-run` prints
// the plan; `start` re-decides each service right before it starts, because a
// dependency's post_start may have changed the context its templates read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/config.h"
#include "core/project.h"
#include "core/start_journal.h"
#include "core/engine.h"

namespace boss {

// What the engine holds for a project, read in a few calls.
struct Observed {
  std::map<std::string, std::vector<ContainerInfo>> containers;  // by boss.service label
  std::vector<ContainerInfo> orphans;  // project containers of services no longer defined
  std::map<std::string, std::string> image_ids;  // image reference -> id, "" if missing
  std::vector<NetworkInfo> networks;             // networks labelled with the project
};

Observed observe(Engine& engine, const Project& project);


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
  bool remove_state = false;        // stop --remove of the whole project: context and journal go
};

// `desired` is nullopt when the templates cannot be filled yet (the reason says which
// key); `force_new` is always_start_new or a reload of this service; `pending` is an
// earlier start of this service that did not finish (see StartJournal).
Decision decide(const ServiceSpec& spec, const std::vector<ContainerInfo>& existing,
                const std::optional<DesiredConfig>& desired, const std::string& unfilled_reason,
                bool force_new, const std::string& force_reason,
                const std::optional<PendingStart>& pending = std::nullopt);

// True if there are containers and none of them runs.
bool only_stopped(const std::vector<ContainerInfo>& containers);

// Why the service must get a new container whatever its definition says, or "" if it
// need not: a reload of it, always_start_new, or stopped containers made for a project
// network that is gone (docker network prune).
std::string forced_replacement(const ServiceSpec& spec, bool reload, bool network_gone,
                               const std::vector<ContainerInfo>& existing);

// decide() for every service in `order`, with the context and images as observed now.
std::vector<Decision> plan_start(const Project& project, const std::vector<std::string>& order,
                                 const Observed& observed, const std::map<std::string, std::string>& context,
                                 const std::map<std::string, PendingStart>& pending = {},
                                 const std::string& force_service = "");

// One line per action: "create    appdb   no container".
std::string render_plan(const std::vector<Decision>& plan);

}  // namespace boss
