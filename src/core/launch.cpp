#include "core/launch.h"

#include <cctype>
#include <cstdio>
#include <random>

#include "core/errors.h"
#include "core/runtime.h"
#include "core/validate.h"

namespace boss {
namespace {

// The launched service's hooks are its template's: Lua knows the template's name.
class TemplateHooks final : public Hooks {
 public:
  TemplateHooks(Hooks& inner, std::string launched, std::string tmpl)
      : m_inner(inner), m_launched(std::move(launched)), m_template(std::move(tmpl)) {}
  HookResult call(const std::string& service, Hook hook, const std::string& container_id,
                  std::chrono::steady_clock::time_point deadline, const Cancel& cancel, int instance,
                  std::optional<int> exit_code) override {
    return m_inner.call(service == m_launched ? m_template : service, hook, container_id, deadline, cancel, instance,
                        exit_code);
  }
  HookResult on_start(const std::vector<std::string>& services) override { return m_inner.on_start(services); }
  HookResult on_stop(const std::vector<std::string>& services) override { return m_inner.on_stop(services); }
  HookResult on_reload(const std::string& service) override { return m_inner.on_reload(service); }
  HookResult on_done(const std::vector<JobResult>& results) override { return m_inner.on_done(results); }

 private:
  Hooks& m_inner;
  std::string m_launched, m_template;
};

std::string label_of(const ContainerInfo& c, const char* key) {
  const auto it = c.labels.find(key);
  return it == c.labels.end() ? "" : it->second;
}

}  // namespace

std::string launch_id_problem(const std::string& template_name, std::string_view id) {
  if (id.empty() || id.size() > 20)
    return "name '" + std::string(id) + "' must be 1 to 20 characters";
  if (!std::islower(static_cast<unsigned char>(id.front())) && !std::isdigit(static_cast<unsigned char>(id.front())))
    return "name '" + std::string(id) + "' must start with a lowercase letter or a digit";
  for (const unsigned char c : id)
    if (!std::islower(c) && !std::isdigit(c) && c != '-')
      return "name '" + std::string(id) + "' may hold only lowercase letters, digits and '-'";
  if (!is_valid_service_name(template_name + "-" + std::string(id)))
    return "name '" + std::string(id) + "' makes '" + template_name + "-" + std::string(id) + "', too long a name";
  return "";
}

std::string random_launch_id() {
  static thread_local std::mt19937 random{std::random_device{}()};
  char text[8];
  std::snprintf(text, sizeof text, "%06x", static_cast<unsigned>(random() & 0xffffff));
  return text;
}

ServiceSpec launched_spec(const ServiceSpec& tmpl, const std::string& name, const std::optional<std::string>& input,
                          const std::string& input_url) {
  ServiceSpec spec = tmpl;
  spec.name = name;
  spec.is_template = false;
  spec.on_demand = true;
  spec.labels[kLabelTemplate] = tmpl.name;
  // Values are templates ({key}): an input's braces are escaped ("{{" is a literal "{").
  if (tmpl.input == LaunchInput::env && input) {
    std::string escaped;
    for (const char c : *input) {
      escaped += c;
      if (c == '{' || c == '}') escaped += c;
    }
    spec.env["INPUT_JSON"] = escaped;
  }
  if (tmpl.input == LaunchInput::url && !input_url.empty()) spec.env["INPUT_JSON_URL"] = input_url;
  return spec;
}

const ServiceSpec* template_of_launched(const Project& project, std::string_view name, bool by_host) {
  const ServiceSpec* best = nullptr;
  for (const auto& t : project.templates) {
    std::string head = by_host ? hostname_for(t.name) : t.name;
    if (by_host)
      for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    head += "-";
    if (name.size() <= head.size() || name.substr(0, head.size()) != head) continue;
    if (!launch_id_problem(t.name, name.substr(head.size())).empty()) continue;
    if (!best || t.name.size() > best->name.size()) best = &t;
  }
  return best;
}

Project launch_project(const Project& project, const ServiceSpec& launched) {
  Project out = project;
  out.services.push_back(launched);
  return out;
}

Launcher::Launcher(Runtime& base, TarFn make_tar, InputUrlFn input_url)
    : m_base(base), m_project(base.project()), m_engine(base.engine()), m_make_tar(std::move(make_tar)),
      m_input_url(std::move(input_url)) {}

Launched Launcher::launch(const LaunchRequest& request) {
  const ServiceSpec* tmpl = m_project.find_template(request.template_name);
  if (!tmpl) {
    std::vector<std::string> names;
    for (const auto& t : m_project.templates) names.push_back(t.name);
    const std::string hint = did_you_mean(request.template_name, names);
    throw LaunchError(404, "unknown template '" + request.template_name + "'" +
                               (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  const std::string id = request.id.empty() ? random_launch_id() : request.id;
  if (const std::string problem = launch_id_problem(tmpl->name, id); !problem.empty()) throw LaunchError(400, problem);
  const std::string name = tmpl->name + "-" + id;
  if (m_project.find(name) || m_project.find_template(name))
    throw LaunchError(409, "name '" + name + "' is taken by a service of the project");
  if (tmpl->input == LaunchInput::env && request.input && request.input->size() > kMaxEnvInput)
    throw LaunchError(413, "input of " + std::to_string(request.input->size()) + " bytes is over the " +
                               std::to_string(kMaxEnvInput) + " bytes INPUT_JSON may hold (template '" + tmpl->name +
                               "' has input = \"env\"; input = \"file\" or \"url\" take more)");
  for (const auto& c : m_engine.list_containers({{kLabelProject, m_project.name}, {kLabelService, name}}))
    throw LaunchError(409, "launched container '" + name + "' exists (" + c.name + ", " + c.state + ")");
  std::string url;
  if (tmpl->input == LaunchInput::url) {
    if (m_input_url) url = m_input_url(name, request.input.value_or("{}"));
    if (url.empty())
      throw LaunchError(503, "template '" + tmpl->name +
                                 "' has input = \"url\", and no server of launch inputs runs (boss proxy serves "
                                 "them, on a local Docker engine's bridge)");
  }
  const Project project = launch_project(m_project, launched_spec(*tmpl, name, request.input, url));
  TemplateHooks hooks(m_base.hooks(), name, tmpl->name);
  Runtime runtime(project, m_engine, hooks, m_base.context(), m_base.events(), m_base.locker(), m_base.cancel());
  runtime.set_credentials(m_base.credentials());
  StartRequest start;
  start.services = {name};
  start.timeout = request.timeout;
  if (tmpl->input == LaunchInput::file) {
    const std::string tar = m_make_tar("input.json", request.input.value_or("{}"));
    // tar and name by value: the step runs after this block has ended.
    start.after_create = [this, tar, name](const std::string& service, const std::string& container) {
      if (service == name) m_engine.put_archive(container, "/", tar);
    };
  }
  Launched out;
  out.name = name;
  out.container = project.container_name(name);
  out.template_name = tmpl->name;
  out.result = runtime.start(start);
  for (const auto& o : out.result.outcomes)
    if (o.service == name && (o.status == Phase::failed || o.status == Phase::skipped))
      throw LaunchError(502, "launch '" + name + "' failed: " + o.reason, o.logs);
  if (!out.result.error.empty()) throw LaunchError(502, "launch '" + name + "' failed: " + out.result.error);
  if (out.result.exit_code() != 0) throw LaunchError(502, "launch '" + name + "' failed to start");
  return out;
}

std::string Launcher::remove(const std::string& name) {
  const auto containers = m_engine.list_containers({{kLabelProject, m_project.name}, {kLabelService, name}});
  if (containers.empty()) throw LaunchError(404, "no launched container '" + name + "'");
  std::string tmpl;
  for (const auto& c : containers) {
    tmpl = label_of(c, kLabelTemplate);
    if (tmpl.empty()) throw LaunchError(403, "'" + name + "' is a service, not a launched container");
  }
  for (const auto& c : containers) {
    if (c.running()) m_engine.stop_container(c.id, 10);
    m_engine.remove_container(c.id);
  }
  return tmpl;
}

}  // namespace boss
