#include "engine/docker_request.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "engine/http_transport.h"

namespace boss {

using nlohmann::json;

namespace {

json label_list(const Labels& labels) {
  json list = json::array();
  for (const auto& [key, value] : labels) list.push_back(key + "=" + value);
  return list;
}

std::int64_t nanoseconds(double seconds) { return std::llround(seconds * 1e9); }

}  // namespace

json healthcheck_body(const HealthCheck& check) {
  if (check.disabled()) return {{"Test", check.test}};
  return {{"Test", check.test},
          {"Interval", nanoseconds(check.interval)},
          {"Timeout", nanoseconds(check.timeout)},
          {"Retries", check.retries},
          {"StartPeriod", nanoseconds(check.start_period)},
          {"StartInterval", nanoseconds(check.start_interval)}};
}

std::string label_filters_query(const Labels& labels) {
  if (labels.empty()) return {};
  return url_encode(json{{"label", label_list(labels)}}.dump());
}

std::string container_event_filters_query(const Labels& labels) {
  json filters = {{"type", {"container"}}};
  if (!labels.empty()) filters["label"] = label_list(labels);
  return url_encode(filters.dump());
}

std::string since_query_value(std::chrono::system_clock::time_point time) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(nanos / 1000000000),
                static_cast<long long>(nanos % 1000000000));
  return text;
}

json container_create_body(const ContainerSpec& spec) {
  json body = json::object();
  body["Image"] = spec.image;
  json env = json::array();
  for (const auto& [key, value] : spec.env) env.push_back(key + "=" + value);
  body["Env"] = env;
  if (spec.cmd) body["Cmd"] = *spec.cmd;
  if (spec.entrypoint) body["Entrypoint"] = *spec.entrypoint;
  if (!spec.user.empty()) body["User"] = spec.user;
  if (!spec.working_dir.empty()) body["WorkingDir"] = spec.working_dir;
  if (!spec.stop_signal.empty()) body["StopSignal"] = spec.stop_signal;
  if (!spec.hostname.empty()) body["Hostname"] = spec.hostname;
  if (spec.stop_timeout) body["StopTimeout"] = static_cast<int>(std::ceil(*spec.stop_timeout));
  if (spec.healthcheck) body["Healthcheck"] = healthcheck_body(*spec.healthcheck);
  if (spec.tty) body["Tty"] = true;
  if (spec.open_stdin) {
    // Stdin stays open for the one client that attaches, and closes when that client's
    // input ends.
    body["OpenStdin"] = true;
    body["StdinOnce"] = true;
    body["AttachStdin"] = true;
  }
  body["Labels"] = json::object();
  for (const auto& [key, value] : spec.labels) body["Labels"][key] = value;

  json host_config = json::object();
  if (spec.init) host_config["Init"] = true;
  if (spec.mem_limit) host_config["Memory"] = *spec.mem_limit;
  if (!spec.restart.name.empty())
    host_config["RestartPolicy"] = {{"Name", spec.restart.name}, {"MaximumRetryCount", spec.restart.max_retries}};
  if (!spec.ports.empty()) {
    json exposed = json::object();
    json bindings = json::object();
    for (const auto& port : spec.ports) {
      const std::string key = std::to_string(port.container_port) + "/" +
                              (port.protocol.empty() ? "tcp" : port.protocol);
      exposed[key] = json::object();
      if (!bindings.contains(key)) bindings[key] = json::array();
      bindings[key].push_back(
          {{"HostIp", port.host_ip},
           {"HostPort", port.host_port == 0 ? std::string() : std::to_string(port.host_port)}});
    }
    body["ExposedPorts"] = exposed;
    host_config["PortBindings"] = bindings;
  }
  if (!spec.binds.empty()) {
    json binds = json::array();
    for (const auto& mount : spec.binds)
      binds.push_back(mount.source + ":" + mount.target +
                      (mount.mode.empty() ? std::string() : ":" + mount.mode));
    host_config["Binds"] = binds;
  }
  if (!spec.network.empty()) {
    host_config["NetworkMode"] = spec.network;
    json endpoint = json::object();
    if (!spec.aliases.empty()) endpoint["Aliases"] = spec.aliases;
    body["NetworkingConfig"] = {{"EndpointsConfig", {{spec.network, endpoint}}}};
  }
  body["HostConfig"] = host_config;
  return body;
}

json network_create_body(const std::string& name, const Labels& labels) {
  json body = {{"Name", name}, {"Driver", "bridge"}, {"CheckDuplicate", true}};
  body["Labels"] = json::object();
  for (const auto& [key, value] : labels) body["Labels"][key] = value;
  return body;
}

}  // namespace boss
