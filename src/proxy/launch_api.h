// boss proxy's launch API (core/launch.h's Launcher behind HTTP), under /_boss/ with the
// admin pages' access rules (admin.h):
//
//   POST   /_boss/launch              {"template": "viz", "name": "id", "input": {...}}
//                                     201 {"name", "template", "container", "url", "host"}
//   DELETE /_boss/containers/<name>   200 {"name", "template", "removed": true}
//
// Refusals, each one line ({"error": ...} for JSON clients): 400 a body that is no JSON
// object, an unknown field, a field of the wrong type, a bad name; 404 an unknown template
// (or no such container); 409 a name taken, or a launch of that name still starting; 413
// an input too large for its template's `input`; 502 the start failed (and "logs": the
// tail of the failed container's output); 503 no room in --memory-budget (or no server of
// its input); 403 deleting a service's container.
//
// A launched container is the starter's to stop from then on (add_launched): removed
// past its template's idle_timeout, or evicted, least recently used, for a start or a
// launch that needs room in --memory-budget.
//
// Launches and removals are Runtime operations: they run on the on-demand starter's thread
// (OnDemandStarter::run_exclusive), one at a time with its starts and stops.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/launch.h"
#include "core/project.h"
#include "proxy/admin.h"
#include "proxy/on_demand.h"

namespace boss {

// What a POST /_boss/launch body asks for.
struct LaunchBody {
  std::string template_name;
  std::string id;                    // "": none given
  std::optional<std::string> input;  // the input as JSON text; nullopt: none given
  bool operator==(const LaunchBody&) const = default;
};

// The body read, or why it cannot be (one line naming the field).
std::variant<LaunchBody, std::string> parse_launch_body(std::string_view body);

struct LaunchApiSources {
  const Project& project;
  Launcher& launcher;
  OnDemandStarter& starter;
  std::string domain;                               // for the "host" of an answer
  std::function<std::string()> proxy_url;           // "http://127.0.0.1:8000": where the proxy listens
  std::function<void(const std::string&)> removed;  // after a launched container's removal (forget its address)
  std::function<void(const std::string&)> log;      // one line per launch and removal
  double timeout = 300;                             // seconds a launch may take to be ready
};

// Adds the two routes above; `sources`' references must outlive them.
void add_launch_routes(AdminRoutes& routes, LaunchApiSources sources);

}  // namespace boss
