// The user-level commands, as functions over a Session. Each returns what happened; none
// prints (the Reporter and the caller do).
#pragma once

#include <string>
#include <vector>

#include "core/outcome.h"
#include "core/plan.h"
#include "core/session.h"

namespace boss {

// The services `start` brings up, dependencies first: `targets` and everything they need
// (all services when `targets` is empty), less `exclude`. Throws DefinitionError for an
// unknown name, or a started service depending on an excluded one (naming both).
std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& exclude,
                                          const std::vector<std::string>& targets = {});
// The services `stop` stops, dependents first: `targets` and everything that needs them
// (all services when `targets` is empty), less `exclude`. Throws DefinitionError for an
// unknown name, or for stopping a service that an excluded (so still running) service
// depends on.
std::vector<std::string> select_for_stop(const Project& project, const std::vector<std::string>& exclude,
                                         const std::vector<std::string>& targets = {});

struct StartCommand {
  std::vector<std::string> exclude;
  double timeout = 300;
  std::vector<std::string> targets;  // empty: all services
};
// Observes, decides and executes; runs boss.on_start with the services that came up.
CommandResult run_start(Session& session, const StartCommand& command);
// What `start` would do, touching nothing.
std::vector<Decision> dry_run_start(Session& session, const StartCommand& command);

struct StopCommand {
  std::vector<std::string> exclude;
  bool remove = false;
  int timeout = 10;
  std::vector<std::string> targets;  // empty: all services
};
CommandResult run_stop(Session& session, const StopCommand& command);

struct ReloadCommand {
  std::string service;
  bool remove = false;
  double timeout = 300;
  int stop_timeout = 10;
};
CommandResult run_reload(Session& session, const ReloadCommand& command);

struct StatusRow {
  std::string service;
  std::string state;  // engine state, "absent" without a container, "orphan: ..." for leftovers
  std::string container_id;
  std::vector<PublishedPort> ports;
};
std::vector<StatusRow> run_status(Session& session);

}  // namespace boss
