#include "ui/deploy_status_view.h"

#include "ui/format.h"

namespace boss {

std::string render_deploy_status_text(const DeployStatus& status) {
  if (status.services.empty())
    return "project " + status.project + ": nothing deployed on this swarm" +
           (status.network.empty() ? "" : " (network " + status.network + " is left)") + "\n";
  std::vector<std::vector<std::string>> rows = {{"SERVICE", "REPLICAS", "VERSION", "TASK", "NODE", "STATE", "CONTAINER"}};
  for (const auto& s : status.services) {
    const std::string replicas = std::to_string(s.running) + "/" + std::to_string(s.replicas) + (s.job ? " done" : "");
    if (s.tasks.empty()) rows.push_back({s.service, replicas, std::to_string(s.version), "-", "-", "-", "-"});
    for (const auto& t : s.tasks)
      rows.push_back({s.service, replicas, std::to_string(s.version), t.slot > 0 ? std::to_string(t.slot) : "-", t.node,
                      t.state + (t.error.empty() ? "" : " (" + t.error + ")"), t.container_id.empty() ? "-" : t.container_id});
  }
  return "project " + status.project + " on the swarm (network " + status.network + ")\n" + render_columns(rows);
}

Json deploy_status_json(const DeployStatus& status) {
  Json services = Json::array();
  for (const auto& s : status.services) {
    Json tasks = Json::array();
    for (const auto& t : s.tasks)
      tasks.push_back({{"slot", t.slot}, {"node", t.node}, {"state", t.state}, {"container_id", t.container_id},
                       {"error", t.error}});
    services.push_back({{"service", s.service}, {"id", s.id}, {"version", s.version}, {"replicas", s.replicas},
                        {"running", s.running}, {"job", s.job}, {"tasks", tasks}});
  }
  return {{"v", 1}, {"type", "deploy-status"}, {"project", status.project}, {"network", status.network},
          {"services", services}};
}

}  // namespace boss
