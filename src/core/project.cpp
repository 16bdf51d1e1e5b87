#include "core/project.h"

namespace boss {

const char* hook_name(Hook hook) {
  switch (hook) {
    case Hook::did_run: return "did_run";
    case Hook::pre_pull: return "pre_pull";
    case Hook::post_run: return "post_run";
    case Hook::pre_start: return "pre_start";
    case Hook::ping: return "ping";
    case Hook::post_start: return "post_start";
    case Hook::pre_stop: return "pre_stop";
  }
  return "?";
}

bool is_job_hook(Hook hook) { return hook == Hook::did_run || hook == Hook::post_run; }

bool ServiceSpec::has_hook(Hook hook) const {
  switch (hook) {
    case Hook::did_run: return has_did_run;
    case Hook::pre_pull: return has_pre_pull;
    case Hook::post_run: return has_post_run;
    case Hook::pre_start: return has_pre_start;
    case Hook::ping: return has_ping;
    case Hook::post_start: return has_post_start;
    case Hook::pre_stop: return has_pre_stop;
  }
  return false;
}

void Project::name_volumes() {
  for (auto* list : {&services, &sidecars, &templates})
    for (auto& s : *list)
      for (auto& v : s.volumes)
        if (v.named) v.source = volume_name(v.volume);
}

void ServiceSpec::set_has_hook(Hook hook) {
  switch (hook) {
    case Hook::did_run: has_did_run = true; return;
    case Hook::pre_pull: has_pre_pull = true; return;
    case Hook::post_run: has_post_run = true; return;
    case Hook::pre_start: has_pre_start = true; return;
    case Hook::ping: has_ping = true; return;
    case Hook::post_start: has_post_start = true; return;
    case Hook::pre_stop: has_pre_stop = true; return;
  }
}

const ServiceSpec* Project::find(const std::string& service) const {
  for (const auto& s : services)
    if (s.name == service) return &s;
  return nullptr;
}

const ServiceSpec* Project::find_sidecar(const std::string& name) const {
  for (const auto& s : sidecars)
    if (s.name == name) return &s;
  return nullptr;
}

const ServiceSpec* Project::find_template(const std::string& name) const {
  for (const auto& s : templates)
    if (s.name == name) return &s;
  return nullptr;
}

const char* launch_input_name(LaunchInput input) {
  switch (input) {
    case LaunchInput::file: return "file";
    case LaunchInput::env: return "env";
    case LaunchInput::url: return "url";
  }
  return "?";
}

const EngineSpec* Project::find_engine(const std::string& engine) const {
  for (const auto& e : engines)
    if (e.name == engine) return &e;
  return nullptr;
}

std::vector<std::string> Project::names() const {
  std::vector<std::string> out;
  out.reserve(services.size());
  for (const auto& s : services) out.push_back(s.name);
  return out;
}

}  // namespace boss
