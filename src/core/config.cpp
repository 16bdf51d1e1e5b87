#include "core/config.h"

#include <cstdint>
#include <cstdio>
#include <set>

#include "core/host_binding.h"
#include "core/restart_policy.h"
#include "core/secrets.h"
#include "core/template.h"

namespace boss {

nlohmann::json DesiredConfig::to_json() const {
  nlohmann::json j;
  j["image"] = image;
  j["image_id"] = image_id;
  j["env"] = env;  // std::map: keys come out sorted, so the dump is canonical
  for (const auto& key : secret_env)
    if (const auto it = env.find(key); it != env.end()) j["env"][key] = secret_digest(key, it->second);
  auto ports_json = nlohmann::json::array();
  for (const auto& p : ports)
    ports_json.push_back(std::to_string(p.container_port) + "/" + p.protocol + "=" +
                         host_binding_text({p.host_ip, p.host_port}));
  j["ports"] = ports_json;
  auto volumes_json = nlohmann::json::array();
  for (const auto& v : volumes)
    volumes_json.push_back((v.named ? "volume:" : "") + v.source + ":" + v.target + (v.mode.empty() ? "" : ":" + v.mode));
  j["volumes"] = volumes_json;
  j["cmd"] = cmd ? nlohmann::json(*cmd) : nlohmann::json(nullptr);
  j["entrypoint"] = entrypoint ? nlohmann::json(*entrypoint) : nlohmann::json(nullptr);
  j["user"] = user;
  j["stop_signal"] = stop_signal;
  if (stop_timeout) j["stop_timeout"] = *stop_timeout;
  if (healthcheck) j["healthcheck"] = healthcheck->to_json();
  if (!restart.empty()) j["restart"] = restart;
  if (!working_dir.empty()) j["working_dir"] = working_dir;
  if (init) j["init"] = true;
  if (mem_limit) j["mem_limit"] = *mem_limit;
  if (!labels.empty()) j["labels"] = labels;
  return j;
}

std::string fnv1a_hex(const std::string& data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string DesiredConfig::hash() const { return fnv1a_hex(canonical()); }

DesiredConfig desired_config(const ServiceSpec& spec, const std::string& image_id,
                             const std::map<std::string, std::string>& context,
                             const std::set<std::string>& secret_keys) {
  DesiredConfig c;
  c.image = spec.image;
  c.image_id = image_id;
  auto fill = [&](const std::string& text, const std::string& field) {
    try {
      return fill_template(text, context);
    } catch (const MissingContextKey& missing) {
      throw UnfilledTemplate{missing.key, field};
    }
  };
  for (const auto& [key, value] : spec.env) {
    c.env[key] = fill(value, "env " + key);
    bool secret = spec.secret_env.count(key) > 0;
    for (const auto& used : secret_keys.empty() ? std::vector<std::string>{} : template_keys(value))
      secret = secret || secret_keys.count(used) > 0;
    if (secret) c.secret_env.insert(key);
  }
  auto fill_list = [&](const std::optional<std::vector<std::string>>& list, const std::string& field) {
    std::optional<std::vector<std::string>> out;
    if (!list) return out;
    out.emplace();
    for (const auto& part : *list) out->push_back(fill(part, field));
    return out;
  };
  c.cmd = fill_list(spec.cmd, "cmd");
  c.entrypoint = fill_list(spec.entrypoint, "entrypoint");
  c.ports = spec.ports;
  c.volumes = spec.volumes;
  c.user = spec.user;
  c.stop_signal = spec.stop_signal;
  c.stop_timeout = spec.stop_timeout;
  c.healthcheck = spec.healthcheck;
  c.restart = restart_policy_text(parse_restart_policy(spec.restart).value_or(RestartPolicy{}));
  c.working_dir = spec.working_dir;
  c.init = spec.init;
  c.mem_limit = spec.mem_limit;
  c.labels = spec.labels;
  return c;
}

std::vector<std::string> describe_changes(const nlohmann::json& old_config, const DesiredConfig& desired) {
  if (!old_config.is_object()) return {"configuration unknown"};
  const nlohmann::json now = desired.to_json();
  // A field left out (at its default) reads as null on both sides.
  auto field_of = [](const nlohmann::json& config, const char* field) {
    const auto it = config.find(field);
    return it == config.end() ? nlohmann::json() : *it;
  };
  auto old_field = [&](const char* field) { return field_of(old_config, field); };
  std::vector<std::string> changes;
  if (old_field("image") != now["image"])
    changes.push_back("image changed");
  else if (old_field("image_id") != now["image_id"])
    changes.push_back("image updated");
  const auto old_env = old_field("env");
  if (old_env != now["env"]) {
    if (!old_env.is_object()) {
      changes.push_back("env changed");
    } else {
      std::set<std::string> keys;
      for (const auto& [k, v] : old_env.items()) keys.insert(k);
      for (const auto& [k, v] : now["env"].items()) keys.insert(k);
      for (const auto& k : keys) {
        const bool in_old = old_env.contains(k), in_new = now["env"].contains(k);
        if (in_old && !in_new) changes.push_back("env " + k + " removed");
        else if (!in_old && in_new) changes.push_back("env " + k + " added");
        else if (old_env[k] != now["env"][k]) changes.push_back("env " + k + " changed");
      }
    }
  }
  for (const char* field : {"ports", "volumes", "cmd", "entrypoint", "user", "stop_signal", "stop_timeout",
                             "healthcheck", "restart", "working_dir", "init", "mem_limit", "labels"})
    if (old_field(field) != field_of(now, field)) changes.push_back(std::string(field) + " changed");
  return changes;
}

}  // namespace boss
