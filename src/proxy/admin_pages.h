// The pages `boss proxy` serves under /_boss/ (admin.h routes them): what runs and how it
// is used. The listing's rows are made by a pure function from the engine's containers and
// what the proxy saw, and rendered as JSON or HTML; the handlers only gather and answer.
//
//   GET /_boss/                the project's services and launched containers: state (the
//                              engine's, and the starter's for on-demand ones), last request,
//                              open connections, requests, memory in use (memory_use.h)
//                              and its limit
//   GET /_boss/history/<name>  the requests its container answered, oldest first (history.h):
//                              time, method, path, status, duration; ?limit=N (default 1000)
//   GET /_boss/logs/<name>     the container's log, its last ?tail=N lines (default 100,
//                              `all`); ?follow=1 streams it on as it is written, until the
//                              client goes away or the container stops
// <name> is a row's name ("web", "web-2", a launched container's) or a container's name.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/project.h"
#include "proxy/activity.h"
#include "proxy/admin.h"
#include "proxy/history.h"
#include "proxy/on_demand.h"

namespace boss {

struct AdminRow {
  std::string name;       // as shown and as /_boss/logs/<name> takes it: "web", "web-2", a launched one's
  std::string service;    // the service (or template) it is of
  std::string kind;       // "service" or "launched"
  std::string container;  // its container's name; "" when it has none
  std::string state;      // the engine's: "running", "exited", ...; "none" without a container
  std::string demand;     // on-demand services: the starter's state (on_demand.h); else ""
  bool on_demand = false;
  std::string url;        // "/web/" when it has an http field; else ""
  std::optional<std::int64_t> mem_limit;
  // Bytes its container uses (add_memory_use); nullopt when it does not run, or when the
  // engine did not say in time (mem_unknown).
  std::optional<std::int64_t> mem_usage;
  bool mem_unknown = false;
  ServiceActivity::Seen seen;
};

// One row per container of the project (one-offs left out) and per service that has none,
// in the project's order, launched containers last. `seen` and `demand` give what the
// proxy knows of a service.
std::vector<AdminRow> admin_rows(const Project& project, const std::vector<ContainerInfo>& containers,
                                 const std::function<ServiceActivity::Seen(const std::string&)>& seen,
                                 const std::function<std::string(const std::string&)>& demand);

// Each row's memory in use from `usage` (container name -> bytes, memory_use.h); a row
// whose container runs and is not in it is unknown.
void add_memory_use(std::vector<AdminRow>& rows, const std::map<std::string, std::int64_t>& usage);

std::string admin_rows_json(const std::string& project, const std::vector<AdminRow>& rows,
                            std::chrono::system_clock::time_point now);
std::string admin_rows_html(const std::string& project, const std::vector<AdminRow>& rows,
                            std::chrono::system_clock::time_point now);

// The container `name` means (see above), or null.
const ContainerInfo* find_admin_container(const Project& project, const std::vector<ContainerInfo>& containers,
                                          const std::string& name);

std::string history_json(const std::string& name, const std::string& container,
                         const std::vector<RequestRecord>& records);
std::string history_html(const std::string& name, const std::string& container,
                         const std::vector<RequestRecord>& records);

// What the pages read.
struct AdminSources {
  const Project& project;
  Engine& engine;
  ServiceActivity& activity;
  OnDemandStarter* on_demand = nullptr;  // null: no service is started on demand
  RequestHistory* history = nullptr;     // null: none kept (the history page says so)
};

// Adds the pages above to `routes`; `sources` must outlive them.
void add_admin_pages(AdminRoutes& routes, const AdminSources& sources);

}  // namespace boss
