#include "ui/plan_view.h"

#include <algorithm>

#include "ui/format.h"

namespace boss {

namespace {

struct PlanLine {
  std::string action;
  std::string subject;
  std::string reason;
};

std::string image_ref(const Project& project, const std::string& service) {
  const ServiceSpec* spec = project.find(service);
  return spec ? spec->image : "";
}

// " (edge)" for a service on a declared engine (boss.engine); "" on the usual one.
std::string engine_note(const Project& project, const std::string& service) {
  const ServiceSpec* spec = project.find(service);
  return spec && !spec->engine.empty() ? " (" + spec->engine + ")" : "";
}

std::string with_image_note(const Decision& d, const Project& project) {
  const std::string image = image_ref(project, d.service);
  std::string note;
  if (d.image == Decision::Image::pull) note = "will pull " + image;
  if (d.image == Decision::Image::build) note = "will build " + image;
  if (d.create_ahead) note += (note.empty() ? "" : "; ") + std::string("created ahead");
  if (note.empty()) return d.reason;
  return d.reason.empty() ? "(" + note + ")" : d.reason + " (" + note + ")";
}

// The sidecars a decision starts beside its job's run: none when the job is kept (done)
// or its run is already going.
std::vector<std::string> sidecars_of(const Decision& d, const Project& project) {
  const ServiceSpec* spec = project.find(d.service);
  if (!spec || !spec->is_job || d.running) return {};
  if (d.kind == ActionKind::keep || d.kind == ActionKind::none || d.kind == ActionKind::remove ||
      d.kind == ActionKind::stop)
    return {};
  return spec->sidecars;
}

const char* image_id(Decision::Image image) {
  switch (image) {
    case Decision::Image::present: return "present";
    case Decision::Image::pull: return "pull";
    case Decision::Image::build: return "build";
  }
  return "present";
}

}  // namespace

std::string render_plan_text(const Plan& plan, const Project& project) {
  std::vector<PlanLine> steps;
  if (plan.create_network) steps.push_back({"create", "network " + project.network_name(), "does not exist yet"});
  for (const auto& d : plan.services) {
    steps.push_back({action_name(d.kind), service_label(d.service, d.instance) + engine_note(project, d.service),
                     with_image_note(d, project)});
    for (const auto& name : sidecars_of(d, project)) {
      const ServiceSpec* sidecar = project.find_sidecar(name);
      steps.push_back({"sidecar", d.service + "/" + name,
                       "beside each run of " + d.service + ", removed when it ends" +
                           (sidecar ? " (" + sidecar->image + ")" : "")});
    }
  }
  for (const auto& name : plan.remove_orphans)
    steps.push_back({"remove", "container " + name, "service no longer defined"});
  for (const auto& name : plan.remove_one_offs) steps.push_back({"remove", "container " + name, "one-off (boss run)"});
  for (const auto& name : plan.remove_launched) steps.push_back({"remove", "container " + name, "launched from a template"});
  for (const auto& name : plan.remove_networks) steps.push_back({"remove", "network " + name, ""});
  for (const auto& name : plan.remove_volumes) steps.push_back({"remove", "volume " + name, "named volume"});
  for (const auto& name : plan.remove_images)
    steps.push_back({"remove", "image " + name, "built by boss, used by no container"});
  for (const auto& name : plan.inactive) {
    const ServiceSpec* spec = project.find(name);
    std::string profiles;
    for (const auto& p : spec ? spec->profiles : std::vector<std::string>{}) profiles += (profiles.empty() ? "" : ", ") + p;
    steps.push_back({"skip", name, "profile not active (" + profiles + ")"});
  }
  for (const auto& name : plan.on_demand)
    steps.push_back({"skip", name, "on demand (boss proxy starts it on its first request; name it to start it)"});
  if (plan.remove_state) steps.push_back({"remove", "saved state", project.state_dir().string()});

  std::size_t action_width = 0, subject_width = 0;
  for (const auto& s : steps) {
    action_width = std::max(action_width, s.action.size());
    subject_width = std::max(subject_width, s.subject.size());
  }
  std::string out;
  for (const auto& s : steps) {
    std::string line = pad_right(s.action, action_width) + "  " + pad_right(s.subject, subject_width) + "  " + s.reason;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

Json plan_json(const Plan& plan, const Project& project) {
  Json j;
  j["v"] = kJsonSchemaVersion;
  j["type"] = "plan";
  j["command"] = plan.command;
  j["project"] = plan.project;
  j["network"] = project.network_name();
  j["create_network"] = plan.create_network;
  Json services = Json::array();
  for (const auto& d : plan.services) {
    Json s;
    s["service"] = d.service;
    if (d.instance != 0) s["instance"] = d.instance;
    if (const ServiceSpec* spec = project.find(d.service); spec && !spec->engine.empty()) s["engine"] = spec->engine;
    s["action"] = action_id(d.kind);
    s["reason"] = d.reason;
    if (!d.container_id.empty()) s["container"] = d.container_id;
    s["image"] = image_id(d.image);
    s["image_ref"] = image_ref(project, d.service);
    s["remove"] = d.remove;
    s["stop"] = d.stop;
    if (d.create_ahead) s["create_ahead"] = true;
    if (const auto sidecars = sidecars_of(d, project); !sidecars.empty()) s["sidecars"] = sidecars;
    services.push_back(std::move(s));
  }
  j["services"] = std::move(services);
  j["remove_networks"] = plan.remove_networks;
  j["remove_orphans"] = plan.remove_orphans;
  j["remove_one_offs"] = plan.remove_one_offs;
  if (!plan.remove_launched.empty()) j["remove_launched"] = plan.remove_launched;
  j["remove_volumes"] = plan.remove_volumes;
  j["remove_images"] = plan.remove_images;
  j["inactive"] = plan.inactive;
  j["on_demand"] = plan.on_demand;
  j["remove_state"] = plan.remove_state;
  return j;
}

}  // namespace boss
