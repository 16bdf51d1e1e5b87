#include "proxy/launch_api.h"

#include <memory>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/validate.h"

namespace boss {
namespace {

using nlohmann::json;

const char* type_name(const json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

// The names of the launches under way: a second of the same name is refused at once.
struct InFlight {
  std::mutex mutex;
  std::set<std::string> names;
};

// Holds `name` in `flight` while it lives.
class Reservation {
 public:
  Reservation(InFlight& flight, std::string name) : m_flight(flight), m_name(std::move(name)) {
    std::lock_guard lock(m_flight.mutex);
    m_held = m_flight.names.insert(m_name).second;
  }
  ~Reservation() {
    if (!m_held) return;
    std::lock_guard lock(m_flight.mutex);
    m_flight.names.erase(m_name);
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  bool held() const { return m_held; }

 private:
  InFlight& m_flight;
  std::string m_name;
  bool m_held = false;
};

void launch_failed(const AdminRequest& request, AdminResponse& response, const LaunchError& e) {
  if (e.logs().empty()) return response.error(request, e.status(), e.what());
  if (request.wants_json())
    return response.json(e.status(), json{{"error", e.what()}, {"logs", e.logs()}}.dump() + "\n");
  response.send(e.status(), "text/plain; charset=utf-8", std::string(e.what()) + "\n" + e.logs());
}

}  // namespace

std::variant<LaunchBody, std::string> parse_launch_body(std::string_view body) {
  const json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::string("the body is not JSON (send {\"template\": \"NAME\", \"input\": {...}})");
  if (!doc.is_object()) return std::string("the body must be a JSON object, not ") + type_name(doc);
  LaunchBody out;
  bool has_template = false;
  for (const auto& [key, value] : doc.items()) {
    if (key == "template") {
      if (!value.is_string()) return "field 'template' must be a string, not " + std::string(type_name(value));
      out.template_name = value.get<std::string>();
      has_template = true;
    } else if (key == "name") {
      if (!value.is_string()) return "field 'name' must be a string, not " + std::string(type_name(value));
      out.id = value.get<std::string>();
      if (out.id.empty()) return std::string("field 'name' must not be empty (leave it out for a random one)");
    } else if (key == "input") {
      out.input = value.dump();
    } else {
      return "unknown field '" + key + "' (the fields are template, name and input)";
    }
  }
  if (!has_template) return std::string("field 'template' is missing");
  if (out.template_name.empty()) return std::string("field 'template' must not be empty");
  return out;
}

void add_launch_routes(AdminRoutes& routes, LaunchApiSources sources) {
  auto flight = std::make_shared<InFlight>();
  routes.add("POST", "/launch", [sources, flight](const AdminRequest& request, AdminResponse& response) {
    auto parsed = parse_launch_body(request.body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) return response.error(request, 400, *problem);
    const LaunchBody& body = std::get<LaunchBody>(parsed);
    LaunchRequest launch;
    launch.template_name = body.template_name;
    launch.id = body.id.empty() ? random_launch_id() : body.id;
    launch.input = body.input;
    launch.timeout = sources.timeout;
    const ServiceSpec* tmpl = sources.project.find_template(body.template_name);
    if (tmpl && !body.id.empty())
      if (const std::string problem = launch_id_problem(tmpl->name, body.id); !problem.empty())
        return response.error(request, 400, "field 'name': " + problem);
    const std::string name = body.template_name + "-" + launch.id;
    Reservation reservation(*flight, name);
    if (tmpl && !reservation.held())
      return response.error(request, 409, "a launch of '" + name + "' is still starting");
    Launched launched;
    try {
      sources.starter.run_exclusive([&] {
        // Counted by the starter as its template says (idle_timeout, mem_limit), room made first.
        if (tmpl)
          if (const std::string why = sources.starter.make_room(launched_spec(*tmpl, name, std::nullopt, ""));
              !why.empty())
            throw LaunchError(503, "launch '" + name + "' does not fit in --memory-budget: " + why);
        launched = sources.launcher.launch(launch);
        sources.starter.add_launched(launched_spec(*tmpl, launched.name, std::nullopt, ""));
      });
    } catch (const LaunchError& e) {
      if (sources.log) sources.log("launch of " + name + " refused (" + std::to_string(e.status()) + "): " + e.what());
      return launch_failed(request, response, e);
    } catch (const std::exception& e) {
      if (sources.log) sources.log("launch of " + name + " failed: " + e.what());
      return response.error(request, 502, "launch '" + name + "' failed: " + e.what());
    }
    if (sources.log) sources.log("launched " + launched.name + " (template " + launched.template_name + ")");
    const std::string id = launched.name.substr(launched.template_name.size() + 1);
    const json answer{{"name", launched.name},
                      {"template", launched.template_name},
                      {"container", launched.container},
                      {"url", sources.proxy_url() + "/" + launched.name + "/"},
                      {"host", hostname_for(launched.template_name) + "-" + id + "." + sources.domain}};
    response.json(201, answer.dump() + "\n");
  });

  routes.add_prefix("DELETE", "/containers/", [sources](const AdminRequest& request, AdminResponse& response) {
    const std::string& name = request.rest;
    std::string tmpl;
    try {
      sources.starter.run_exclusive([&] { tmpl = sources.launcher.remove(name); });
    } catch (const LaunchError& e) {
      return response.error(request, e.status(), e.what());
    } catch (const std::exception& e) {
      return response.error(request, 502, "removing '" + name + "' failed: " + e.what());
    }
    sources.starter.forget_launched(name);
    if (sources.removed) sources.removed(name);
    if (sources.log) sources.log("removed " + name + " (template " + tmpl + ")");
    response.json(200, json{{"name", name}, {"template", tmpl}, {"removed", true}}.dump() + "\n");
  });
}

}  // namespace boss
