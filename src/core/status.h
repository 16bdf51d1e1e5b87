// What `boss status` reports: each service's containers as the engine and the start
// journal see them. Plain data; ui/ renders it as a table or as JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/deploy.h"
#include "core/engine.h"

namespace boss {

struct StatusRow {
  std::string service;
  int instance = 0;            // 1-based replica; 0 for a single-container service
  std::string state;           // the engine's ("running", "exited", ...); "absent" without a container
  // A container whose start began but never finished (its ping or post_start did not
  // succeed, or Ctrl-C came): it runs but is not ready. Says what is missing.
  std::string not_ready;       // "" when ready (or not running); e.g. "ping did not succeed"
  std::string health;          // "", "starting", "healthy", "unhealthy"
  std::optional<int> exit_code;  // exited containers
  std::string container_id;    // full id; "" when absent
  std::string container_name;
  std::string image;
  std::vector<PublishedPort> ports;
  std::string started_at;      // RFC 3339, when it ever started
  std::string restart;         // the restart policy, "" = no
  std::string engine;          // the engine holding its container (else the one services.lua names); "" = the usual one
  bool orphan = false;         // a container of a service services.lua no longer defines
  std::string launched_from;   // a container launched from this template (core/launch.h); "" otherwise
};

struct StatusReport {
  std::string project;
  std::vector<StatusRow> rows;  // services in declaration order, then launched containers, then orphans
  // The engine is a swarm manager with the project's Swarm services (`boss deploy`):
  // them and their tasks per node, as `boss deploy --status` shows them.
  std::optional<DeployStatus> deploy;
};

}  // namespace boss
