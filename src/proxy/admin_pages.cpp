#include "proxy/admin_pages.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/byte_size.h"
#include "core/instances.h"
#include "core/one_off.h"
#include "proxy/demand_page.h"

namespace boss {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string label(const Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

std::string utc_text(std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
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
  // Containers of the project that no service defines: launched ones (or left from an
  // older services.lua), shown by their service label.
  for (const auto& c : containers) {
    const std::string service = label(c.labels, kLabelService);
    if (c.labels.count(kLabelOneOff) || service.empty() || project.find(service)) continue;
    AdminRow row = row_for(nullptr, service);
    row.container = c.name;
    row.state = c.state;
    launched.push_back(std::move(row));
  }
  std::sort(launched.begin(), launched.end(), [](const AdminRow& a, const AdminRow& b) { return a.name < b.name; });
  rows.insert(rows.end(), launched.begin(), launched.end());
  return rows;
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
      "<th>open</th><th>requests</th><th>memory limit</th><th></th></tr>\n";
  for (const auto& row : rows) {
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
           (row.mem_limit ? byte_size_text(*row.mem_limit) : std::string("-")) + "</td><td>" + links + "</td></tr>\n";
  }
  out += "</table>\n<p>As of " + utc_text(now) + ". JSON: <a href=\"?format=json\">?format=json</a>.</p>\n</body></html>\n";
  return out;
}

void add_admin_pages(AdminRoutes& routes, const AdminSources& sources) {
  routes.add("GET", "/", [sources](const AdminRequest& request, AdminResponse& response) {
    const auto containers = sources.engine.list_containers({{kLabelProject, sources.project.name}});
    const auto rows = admin_rows(
        sources.project, containers, [&](const std::string& s) { return sources.activity.seen(s); },
        [&](const std::string& s) {
          return sources.on_demand ? std::string(demand_state_name(sources.on_demand->status(s).state)) : std::string();
        });
    const auto now = std::chrono::system_clock::now();
    if (request.wants_json()) response.json(200, admin_rows_json(sources.project.name, rows, now));
    else response.html(200, admin_rows_html(sources.project.name, rows, now));
  });
}

}  // namespace boss
