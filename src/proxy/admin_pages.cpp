#include "proxy/admin_pages.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/byte_size.h"
#include "core/instances.h"
#include "core/one_off.h"
#include "proxy/demand_page.h"
#include "proxy/memory_use.h"

namespace boss {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string label(const Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

std::string ago_text(std::chrono::system_clock::time_point when, std::chrono::system_clock::time_point now) {
  const double seconds = std::max(0.0, std::chrono::duration<double>(now - when).count());
  char text[32];
  if (seconds < 60) std::snprintf(text, sizeof text, "%.1f s ago", seconds);
  else if (seconds < 3600) std::snprintf(text, sizeof text, "%.0f min ago", seconds / 60);
  else std::snprintf(text, sizeof text, "%.1f h ago", seconds / 3600);
  return text;
}

}  // namespace

std::vector<AdminRow> admin_rows(const Project& project, const std::vector<ContainerInfo>& containers,
                                 const std::function<ServiceActivity::Seen(const std::string&)>& seen,
                                 const std::function<std::string(const std::string&)>& demand) {
  std::vector<AdminRow> rows, launched;
  const auto row_for = [&](const ServiceSpec* spec, const std::string& service) {
    AdminRow row;
    row.service = service;
    row.name = service;
    row.kind = spec ? "service" : "launched";
    row.state = "none";
    if (spec) {
      row.on_demand = spec->on_demand;
      row.mem_limit = spec->mem_limit;
      if (spec->http) row.url = "/" + service + "/";
      if (spec->on_demand) row.demand = demand(service);
    }
    row.seen = seen(service);
    return row;
  };
  for (const auto& spec : project.services) {
    std::vector<const ContainerInfo*> mine;
    for (const auto& c : containers)
      if (!c.labels.count(kLabelOneOff) && label(c.labels, kLabelService) == spec.name) mine.push_back(&c);
    std::sort(mine.begin(), mine.end(), [](const ContainerInfo* a, const ContainerInfo* b) {
      return instance_of(a->labels) < instance_of(b->labels);
    });
    if (mine.empty()) rows.push_back(row_for(&spec, spec.name));
    for (const ContainerInfo* c : mine) {
      AdminRow row = row_for(&spec, spec.name);
      if (mine.size() > 1) row.name = spec.name + "-" + std::to_string(instance_of(c->labels));
      row.container = c->name;
      row.state = c->state;
      rows.push_back(std::move(row));
    }
  }
  // Containers of the project that no service defines: launched ones (boss.template names
  // their template; boss.service is their own name), or left from an older services.lua.
  for (const auto& c : containers) {
    const std::string service = label(c.labels, kLabelService);
    if (c.labels.count(kLabelOneOff) || service.empty() || project.find(service)) continue;
    AdminRow row = row_for(nullptr, service);
    if (const std::string from = label(c.labels, kLabelTemplate); !from.empty()) {
      row.service = from;
      if (const ServiceSpec* spec = project.find_template(from)) row.mem_limit = spec->mem_limit;
    }
    row.container = c.name;
    row.state = c.state;
    launched.push_back(std::move(row));
  }
  std::sort(launched.begin(), launched.end(), [](const AdminRow& a, const AdminRow& b) { return a.name < b.name; });
  rows.insert(rows.end(), launched.begin(), launched.end());
  return rows;
}

void add_memory_use(std::vector<AdminRow>& rows, const std::map<std::string, std::int64_t>& usage) {
  for (auto& row : rows) {
    if (row.state != "running" || row.container.empty()) continue;
    const auto it = usage.find(row.container);
    if (it == usage.end()) row.mem_unknown = true;
    else row.mem_usage = it->second;
  }
}

std::string admin_rows_json(const std::string& project, const std::vector<AdminRow>& rows,
                            std::chrono::system_clock::time_point now) {
  json out{{"project", project}, {"time", utc_text(now)}, {"containers", json::array()}};
  for (const auto& row : rows) {
    json j{{"name", row.name},
           {"service", row.service},
           {"kind", row.kind},
           {"container", row.container.empty() ? json(nullptr) : json(row.container)},
           {"state", row.state},
           {"on_demand", row.on_demand},
           {"url", row.url.empty() ? json(nullptr) : json(row.url)},
           {"mem_limit", row.mem_limit ? json(*row.mem_limit) : json(nullptr)},
           {"mem_usage", row.mem_usage ? json(*row.mem_usage) : row.mem_unknown ? json("unknown") : json(nullptr)},
           {"open_connections", row.seen.open},
           {"requests", row.seen.requests},
           {"last_request", row.seen.last ? json(utc_text(*row.seen.last)) : json(nullptr)}};
    if (!row.demand.empty()) j["demand"] = row.demand;
    out["containers"].push_back(std::move(j));
  }
  return dump(out) + "\n";
}

std::string admin_rows_html(const std::string& project, const std::vector<AdminRow>& rows,
                            std::chrono::system_clock::time_point now) {
  std::string out =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>boss proxy: " + html_escape(project) +
      "</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}.running{color:#070}"
      ".none,.exited{color:#888}</style></head>\n<body><h1>" +
      html_escape(project) + "</h1>\n<table>\n<tr><th>name</th><th>kind</th><th>state</th><th>last request</th>"
      "<th>open</th><th>requests</th><th>memory (in use / limit)</th><th></th></tr>\n";
  for (const auto& row : rows) {
    std::string memory = row.mem_usage ? byte_size_text(*row.mem_usage) : row.mem_unknown ? "unknown" : "-";
    if (row.mem_limit) memory += " / " + byte_size_text(*row.mem_limit);
    std::string state = html_escape(row.state);
    if (!row.demand.empty()) state += " (on demand: " + html_escape(row.demand) + ")";
    const std::string name = row.url.empty() ? html_escape(row.name)
                                             : "<a href=\"" + html_escape(row.url) + "\">" + html_escape(row.name) + "</a>";
    std::string links;
    if (!row.container.empty())
      links = "<a href=\"logs/" + html_escape(row.name) + "\">logs</a> <a href=\"history/" + html_escape(row.name) +
              "\">history</a>";
    out += "<tr><td>" + name + "</td><td>" + html_escape(row.kind) + "</td><td class=\"" + html_escape(row.state) +
           "\">" + state + "</td><td>" +
           (row.seen.last ? "<span title=\"" + utc_text(*row.seen.last) + "\">" + ago_text(*row.seen.last, now) + "</span>"
                          : std::string("never")) +
           "</td><td>" + std::to_string(row.seen.open) + "</td><td>" + std::to_string(row.seen.requests) + "</td><td>" +
           memory + "</td><td>" + links + "</td></tr>\n";
  }
  out += "</table>\n<p>As of " + utc_text(now) + ". JSON: <a href=\"?format=json\">?format=json</a>.</p>\n</body></html>\n";
  return out;
}

const ContainerInfo* find_admin_container(const Project& project, const std::vector<ContainerInfo>& containers,
                                          const std::string& name) {
  const auto rows = admin_rows(
      project, containers, [](const std::string&) { return ServiceActivity::Seen{}; },
      [](const std::string&) { return std::string(); });
  std::string container;
  for (const auto& row : rows)
    if (row.name == name && !row.container.empty()) container = row.container;
  for (const auto& c : containers)
    if (!c.labels.count(kLabelOneOff) && (c.name == container || (container.empty() && c.name == name))) return &c;
  return nullptr;
}

std::string history_json(const std::string& name, const std::string& container,
                         const std::vector<RequestRecord>& records) {
  std::string out = "{\"name\":" + dump(name) + ",\"container\":" + dump(container) + ",\"requests\":[";
  for (std::size_t i = 0; i < records.size(); ++i) out += (i ? "," : "") + record_json(records[i]);
  return out + "]}\n";
}

std::string history_html(const std::string& name, const std::string& container,
                         const std::vector<RequestRecord>& records) {
  std::string out = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(name) +
                    ": requests</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:"
                    "collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}</style></head>\n"
                    "<body><p><a href=\"../\">all containers</a></p><h1>" +
                    html_escape(name) + "</h1><p>container " + html_escape(container) + ", " +
                    std::to_string(records.size()) +
                    " requests, oldest first</p>\n<table>\n<tr><th>time</th><th>method</th><th>path</th><th>status</th>"
                    "<th>duration</th></tr>\n";
  for (const auto& r : records) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f ms", r.duration_ms);
    out += "<tr><td>" + utc_text(r.time) + "</td><td>" + html_escape(r.method) + "</td><td>" + html_escape(r.path) +
           "</td><td>" + std::to_string(r.status) + "</td><td>" + took + "</td></tr>\n";
  }
  return out + "</table>\n</body></html>\n";
}

namespace {

// The container a page's <name> means, or an answer of 404 (false).
const ContainerInfo* container_or_404(const AdminSources& sources, const AdminRequest& request,
                                      AdminResponse& response, std::vector<ContainerInfo>& containers) {
  containers = sources.engine.list_containers({{kLabelProject, sources.project.name}});
  if (const ContainerInfo* c = find_admin_container(sources.project, containers, request.rest)) return c;
  std::string names;
  for (const auto& row : admin_rows(
           sources.project, containers, [](const std::string&) { return ServiceActivity::Seen{}; },
           [](const std::string&) { return std::string(); }))
    if (!row.container.empty()) names += (names.empty() ? "" : ", ") + row.name;
  response.error(request, 404,
                 "no container '" + request.rest + "' in project " + sources.project.name +
                     (names.empty() ? " (none has a container now)" : " (containers: " + names + ")"));
  return nullptr;
}

std::optional<int> count_param(const AdminRequest& request, const char* name, int fallback, AdminResponse& response) {
  const auto text = request.param(name);
  if (!text || text->empty()) return fallback;
  if (*text == "all") return -1;
  char* end = nullptr;
  const long n = std::strtol(text->c_str(), &end, 10);
  if (*end != '\0' || n < 0 || n > 1000000) {
    response.error(request, 400, std::string("?") + name + ": must be a number of lines or 'all', got '" + *text + "'");
    return std::nullopt;
  }
  return static_cast<int>(n);
}

bool flag_param(const AdminRequest& request, const char* name) {
  const auto text = request.param(name);
  return text && (*text == "1" || *text == "true" || *text == "yes" || text->empty());
}

}  // namespace

void add_admin_pages(AdminRoutes& routes, const AdminSources& sources) {
  routes.add("GET", "/", [sources](const AdminRequest& request, AdminResponse& response) {
    const auto containers = sources.engine.list_containers({{kLabelProject, sources.project.name}});
    auto rows = admin_rows(
        sources.project, containers, [&](const std::string& s) { return sources.activity.seen(s); },
        [&](const std::string& s) {
          return sources.on_demand ? std::string(demand_state_name(sources.on_demand->status(s).state)) : std::string();
        });
    std::vector<ContainerInfo> shown;  // one-offs have no row: their memory is not asked
    for (const auto& c : containers)
      if (!c.labels.count(kLabelOneOff)) shown.push_back(c);
    add_memory_use(rows, memory_in_use(sources.engine, shown));
    const auto now = std::chrono::system_clock::now();
    if (request.wants_json()) response.json(200, admin_rows_json(sources.project.name, rows, now));
    else response.html(200, admin_rows_html(sources.project.name, rows, now));
  });

  routes.add_prefix("GET", "/history/", [sources](const AdminRequest& request, AdminResponse& response) {
    if (!sources.history) return response.error(request, 404, "boss proxy keeps no request history here");
    const auto limit = count_param(request, "limit", 1000, response);
    if (!limit) return;
    std::vector<ContainerInfo> containers;
    const ContainerInfo* c = container_or_404(sources, request, response, containers);
    if (!c) return;
    const auto records = sources.history->read(c->name, *limit < 0 ? std::size_t(-1) : std::size_t(*limit));
    if (request.wants_json()) response.json(200, history_json(request.rest, c->name, records));
    else response.html(200, history_html(request.rest, c->name, records));
  });

  routes.add_prefix("GET", "/logs/", [sources](const AdminRequest& request, AdminResponse& response) {
    const auto tail = count_param(request, "tail", 100, response);
    if (!tail) return;
    std::vector<ContainerInfo> containers;
    const ContainerInfo* c = container_or_404(sources, request, response, containers);
    if (!c) return;
    LogRequest wanted;
    wanted.tail = *tail;
    wanted.follow = flag_param(request, "follow");
    if (!wanted.follow) {
      std::string text;
      sources.engine.follow_logs(c->id, wanted, [&](const LogLine& line) { text += line.text + "\n"; },
                                 response.cancelled());
      return response.send(200, "text/plain; charset=utf-8", std::move(text));
    }
    // Streamed as the engine gives each line, until the client leaves (cancelled()) or the
    // container stops (the engine ends the log).
    response.begin(200, "text/plain; charset=utf-8");
    sources.engine.follow_logs(c->id, wanted, [&](const LogLine& line) { response.write(line.text + "\n"); },
                               response.cancelled());
  });
}

}  // namespace boss
