#include "cli/proxy_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>

#include "core/byte_size.h"
#include "core/errors.h"
#include "core/host_binding.h"
#include "core/instances.h"
#include "core/launch.h"
#include "core/one_off.h"
#include "engine/build_context.h"
#include "platform/bridge_address.h"
#include "proxy/admin.h"
#include "proxy/admin_pages.h"
#include "proxy/budget.h"
#include "proxy/launch_api.h"
#include "proxy/launch_inputs.h"
#include "proxy/on_demand.h"
#include "proxy/proxy_server.h"
#include "proxy/upstreams.h"

namespace boss {
namespace {

// Where the proxy listens and serves launch inputs, known once it does (its log lines say).
class ServedUrls {
 public:
  void heard(const std::string& line) {
    static const std::string kListening = "listening on ", kInputs = "serving launch inputs on ";
    std::lock_guard lock(m_mutex);
    if (line.rfind(kListening, 0) == 0) m_listening = line.substr(kListening.size());
    if (line.rfind(kInputs, 0) == 0) m_inputs = line.substr(kInputs.size());
  }
  std::string listening() const {
    std::lock_guard lock(m_mutex);
    return m_listening;
  }
  std::string inputs() const {
    std::lock_guard lock(m_mutex);
    return m_inputs;
  }

 private:
  mutable std::mutex m_mutex;
  std::string m_listening, m_inputs;  // "http://ADDR:PORT"
};

// The host's address on the project network, where its containers reach the proxy for
// their launch inputs: the network is made now when the project has none yet (a start
// would make it the same way). "" when there is none (not a local Docker engine's bridge).
std::string inputs_address(Engine& engine, const Project& project) {
  std::vector<NetworkInfo> networks;
  const auto ours = [&] {
    for (const auto& n : engine.list_networks({{kLabelProject, project.name}}))
      if (n.name == project.network_name()) networks.push_back(n);
  };
  ours();
  if (networks.empty()) {
    engine.create_network(project.network_name(), {{kLabelProject, project.name}});
    ours();
  }
  for (const auto& n : networks)
    if (std::string address = bridge_address(n.id); !address.empty()) return address;
  return "";
}

}  // namespace

int proxy_command(const Options& opt, Runtime& runtime, Engine& engine, TeeSink& runtime_events, const Cancel& cancel) {
  const Project& project = runtime.project();
  const auto listen = parse_host_binding(opt.listen);  // checked by parse_command_line
  ProxyOptions options;
  options.listen_address = listen && !listen->ip.empty() ? listen->ip : "127.0.0.1";
  options.listen_port = listen ? listen->port : 8000;
  options.domain = opt.domain;
  options.wait_timeout = std::chrono::milliseconds(static_cast<long long>(opt.wait_timeout * 1000));
  options.admin_token = opt.admin_token;
  std::string token_source = "--admin-token";
  if (options.admin_token.empty()) {
    const char* env = std::getenv("BOSS_ADMIN_TOKEN");
    if (env && *env) options.admin_token = env;
    token_source = "BOSS_ADMIN_TOKEN";
  }
  if (!options.admin_token.empty())
    if (const std::string problem = admin_token_problem(options.admin_token); !problem.empty())
      throw DefinitionError(token_source + ": the admin token " + problem);
  UpstreamFinder upstreams(engine, project);
  std::string routes, on_demand;
  for (const auto& s : project.services) {
    if (s.http) routes += (routes.empty() ? "" : ", ") + s.name;
    if (s.http && s.on_demand) on_demand += (on_demand.empty() ? "" : ", ") + s.name;
  }
  bool launched_routes = false;
  for (const auto& t : project.templates) launched_routes = launched_routes || t.http.has_value();
  if (routes.empty() && !launched_routes)
    std::fprintf(stderr, "boss: warning: no service has an http field: every request will be refused\n");
  if (opt.memory_budget) {
    if (const std::string problem = check_budget(project); !problem.empty()) throw DefinitionError(problem);
    for (const auto& s : project.services)
      if (s.on_demand && budget_bytes(s) > *opt.memory_budget)
        std::fprintf(stderr, "boss: warning: on-demand service '%s' needs %s, more than --memory-budget %s: it will never start\n",
                     s.name.c_str(), byte_size_text(budget_bytes(s)).c_str(), byte_size_text(*opt.memory_budget).c_str());
    for (const auto& t : project.templates)
      if (budget_bytes(t) > *opt.memory_budget)
        std::fprintf(stderr, "boss: warning: template '%s' needs %s, more than --memory-budget %s: it will never launch\n",
                     t.name.c_str(), byte_size_text(budget_bytes(t)).c_str(), byte_size_text(*opt.memory_budget).c_str());
  }
  // Launches: their inputs (input = "url") served on the project network's gateway.
  LaunchInputs inputs;
  ServedUrls urls;
  if (std::any_of(project.templates.begin(), project.templates.end(),
                  [](const ServiceSpec& t) { return t.input == LaunchInput::url; })) {
    options.inputs_address = inputs_address(engine, project);
    if (options.inputs_address.empty())
      std::fprintf(stderr,
                   "boss: warning: templates with input = \"url\" cannot be launched: this host has no address on "
                   "network %s (only a local Docker engine's bridge network has one)\n",
                   project.network_name().c_str());
  }
  Launcher launcher(runtime, make_bytes_tar, [&inputs, &urls](const std::string& name, const std::string& json) {
    const std::string base = urls.inputs();
    return base.empty() ? std::string() : base + "/_boss/inputs/" + name + "?token=" + inputs.add(name, json);
  });
  const auto log_line = [](const std::string& line) {
    std::printf("boss proxy: %s\n", line.c_str());
    std::fflush(stdout);
  };

  // Starts on-demand services as `boss start NAME...` would, one start at a time.
  std::optional<OnDemandStarter> starter;
  struct Detach {
    TeeSink& events;
    ~Detach() { events.attach(nullptr); }
  } detach{runtime_events};
  // Launches (POST /_boss/launch) run on the starter's thread too: one is made for templates.
  std::string templates;
  for (const auto& t : project.templates) templates += (templates.empty() ? "" : ", ") + t.name;
  if (!on_demand.empty() || !templates.empty()) {
    OnDemandStarter::Lifecycle life;
    life.project = &project;
    life.memory_budget = opt.memory_budget;
    // Stopped as `boss stop NAME...` would (its events and summary in boss's output); a
    // launched container removed (first: it depends on the services, never the reverse).
    life.stop = [&runtime, &launcher, &inputs, &project](const std::vector<std::string>& services) {
      CommandResult result;
      std::vector<std::string> plain;
      for (const auto& name : services) {
        if (project.find(name) || !template_of_launched(project, name)) {
          plain.push_back(name);
          continue;
        }
        try {
          launcher.remove(name);
        } catch (const LaunchError& e) {
          if (e.status() != 404) result.error = e.what();
        }
        inputs.forget(name);
      }
      if (plain.empty()) return result;
      StopRequest request;
      request.services = plain;
      CommandResult stopped = runtime.stop(request);
      if (stopped.error.empty()) stopped.error = result.error;
      return stopped;
    };
    life.running = [&engine, &project] {
      std::set<std::string> running;
      for (const auto& c : engine.list_containers({{kLabelProject, project.name}}))
        if (c.running() && !c.labels.count(kLabelOneOff))
          if (const auto it = c.labels.find(kLabelService); it != c.labels.end()) running.insert(it->second);
      return running;
    };
    life.log = log_line;
    life.stopped = [&upstreams](const std::string& service) { upstreams.forget(service); };
    starter.emplace(
        [&runtime, &opt](const std::vector<std::string>& services) {
          StartRequest request;
          request.services = services;
          request.timeout = opt.timeout.value_or(300);
          return runtime.start(request);
        },
        OnDemandStarter::Timing{}, std::move(life));
    runtime_events.attach(&*starter);
    // Launches of an earlier proxy are counted and stopped like this one's.
    for (const auto& c : engine.list_containers({{kLabelProject, project.name}})) {
      const auto t = c.labels.find(kLabelTemplate);
      const auto s = c.labels.find(kLabelService);
      if (t == c.labels.end() || s == c.labels.end()) continue;
      if (const ServiceSpec* tmpl = project.find_template(t->second))
        starter->add_launched(launched_spec(*tmpl, s->second, std::nullopt, ""));
    }
  }
  RequestHistory history(project.state_dir() / "history");
  ServiceActivity activity(starter ? &*starter : nullptr, &history);  // tells the starter of each use
  AdminRoutes admin;
  add_admin_pages(admin, AdminSources{project, engine, activity, starter ? &*starter : nullptr, &history});
  add_input_route(admin, inputs);
  if (starter) {
    LaunchApiSources sources{
        .project = project,
        .launcher = launcher,
        .starter = *starter,
        .domain = options.domain,
        .proxy_url = [&urls] { return urls.listening(); },
        .removed =
            [&upstreams, &inputs](const std::string& name) {
              upstreams.forget(name);
              inputs.forget(name);
            },
        .log = log_line,
        .timeout = opt.timeout.value_or(300),
    };
    add_launch_routes(admin, std::move(sources));
  }
  serve_proxy(options, project, upstreams, starter ? &*starter : nullptr, activity, admin, cancel, [&](const std::string& line) {
    std::printf("boss proxy: %s\n", line.c_str());
    urls.heard(line);
    if (line.rfind("listening on ", 0) == 0 && (!routes.empty() || !templates.empty())) {
      if (!routes.empty())
        std::printf("boss proxy: routing %s by path (/<service>/) and host (<service>.%s)\n", routes.c_str(),
                    options.domain.c_str());
      if (!on_demand.empty()) std::printf("boss proxy: starting %s on demand\n", on_demand.c_str());
      if (!templates.empty())
        std::printf("boss proxy: launching %s with POST /_boss/launch\n", templates.c_str());
      std::printf("boss proxy: admin pages at /_boss/ (%s)\n",
                  options.admin_token.empty() ? "loopback peers only" : "with the admin token, from any peer");
    }
    std::fflush(stdout);
  });
  std::printf("boss proxy: stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace boss
