#include "ui/status_view.h"

#include <algorithm>

#include "ui/deploy_status_view.h"
#include "ui/format.h"
#include "ui/ports_text.h"

namespace boss {

namespace {

constexpr std::size_t kShortId = 12;  // as docker ps shows ids

}  // namespace

std::string status_state_text(const StatusRow& row) {
  if (row.state == "running") {
    if (!row.not_ready.empty()) return "running (not ready: " + row.not_ready + ")";
    if (row.health == "starting") return "running (health: starting)";
    if (!row.health.empty()) return "running (" + row.health + ")";
    return row.state;
  }
  if (row.exit_code) return row.state + " (" + std::to_string(*row.exit_code) + ")";
  return row.state;
}

std::string render_status_text(const StatusReport& report) {
  struct Line {
    std::string service, state, container, engine, restart, ports;
  };
  const bool any_restart =
      std::any_of(report.rows.begin(), report.rows.end(), [](const StatusRow& r) { return !r.restart.empty(); });
  // The ENGINE column only for a project on several engines ("-" for the usual one).
  const bool any_engine =
      std::any_of(report.rows.begin(), report.rows.end(), [](const StatusRow& r) { return !r.engine.empty(); });
  std::vector<Line> lines{{"SERVICE", "STATE", "CONTAINER", "ENGINE", "RESTART", "PORTS"}};
  for (const auto& r : report.rows)
    lines.push_back({service_label(r.service, r.instance) + (r.orphan ? " (orphan)" : "") +
                         (r.launched_from.empty() ? "" : " (" + r.launched_from + ")"), status_state_text(r),
                     r.container_id.substr(0, kShortId), r.engine.empty() ? "-" : r.engine, r.restart,
                     format_ports(r.ports)});
  std::size_t w_service = 0, w_state = 0, w_container = 0, w_engine = 0, w_restart = 0;
  for (const auto& l : lines) {
    w_service = std::max(w_service, l.service.size());
    w_state = std::max(w_state, l.state.size());
    w_container = std::max(w_container, l.container.size());
    w_engine = std::max(w_engine, l.engine.size());
    w_restart = std::max(w_restart, l.restart.size());
  }
  // A project only deployed (no container of `boss start`'s): its swarm part alone.
  const bool only_deployed = report.deploy && std::all_of(report.rows.begin(), report.rows.end(),
                                                          [](const StatusRow& r) { return r.state == "absent"; });
  if (only_deployed) return render_deploy_status_text(*report.deploy);
  std::string out = "project " + report.project + "\n";
  for (const auto& l : lines) {
    std::string text = pad_right(l.service, w_service) + "  " + pad_right(l.state, w_state) + "  " +
                       pad_right(l.container, w_container) + "  " +
                       (any_engine ? pad_right(l.engine, w_engine) + "  " : "") +
                       (any_restart ? pad_right(l.restart, w_restart) + "  " : "") + l.ports;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  if (report.deploy) out += "\n" + render_deploy_status_text(*report.deploy);
  return out;
}

Json status_json(const StatusReport& report) {
  Json j;
  j["v"] = kJsonSchemaVersion;
  j["type"] = "status";
  j["project"] = report.project;
  Json services = Json::array();
  for (const auto& r : report.rows) {
    Json s;
    s["service"] = r.service;
    s["instance"] = r.instance;
    s["state"] = r.state;
    s["not_ready"] = r.not_ready;
    s["health"] = r.health;
    s["exit_code"] = r.exit_code ? Json(*r.exit_code) : Json(nullptr);
    s["container_id"] = r.container_id;
    s["container_name"] = r.container_name;
    s["image"] = r.image;
    s["ports"] = ports_json(r.ports);
    s["started_at"] = r.started_at;
    s["restart"] = r.restart;
    s["engine"] = r.engine;
    s["orphan"] = r.orphan;
    if (!r.launched_from.empty()) s["template"] = r.launched_from;
    services.push_back(std::move(s));
  }
  j["services"] = std::move(services);
  if (report.deploy) j["deploy"] = deploy_status_json(*report.deploy);
  return j;
}

}  // namespace boss
