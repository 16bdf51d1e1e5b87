// The configuration a service's container is created from, after "{key}" filling and
// with the image resolved to its id. Its hash (label boss.config-hash) decides whether an
// existing container still matches the definition; its canonical JSON (label boss.config)
// lets boss explain what changed.
#pragma once

#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/project.h"

namespace boss {

struct DesiredConfig {
  std::string image;     // the reference, e.g. "postgres:16"
  std::string image_id;  // "sha256:..."; "" when the image is not present locally
  std::map<std::string, std::string> env;
  // Keys of `env` whose values are secret: to_json holds their secret_digest instead.
  std::set<std::string> secret_env;
  std::vector<PortBinding> ports;
  std::vector<VolumeMount> volumes;
  std::optional<std::vector<std::string>> cmd;
  std::optional<std::vector<std::string>> entrypoint;
  std::string user;
  std::string stop_signal;
  // Set only when services.lua sets them; unset ones are left out of the JSON, so the
  // hashes of containers made before these fields existed do not change.
  std::optional<double> stop_timeout;
  std::optional<HealthCheck> healthcheck;
  std::string restart;  // restart_policy_text: "" for no policy
  std::string working_dir;  // "" (left out) = the image's
  bool init = false;        // false is left out
  std::optional<std::int64_t> mem_limit;  // bytes; nullopt is left out
  std::map<std::string, std::string> labels;  // the user's; empty is left out

  // Fields at their defaults that came after the first release (restart, a port's host
  // address) are left out, so the hash of an unchanged definition stays what it was.
  nlohmann::json to_json() const;
  std::string canonical() const { return to_json().dump(); }
  // 16 hex digits, stable across runs and machines.
  std::string hash() const;
};

// Thrown when a template refers to a context key that has no value.
struct UnfilledTemplate {
  std::string key;
  std::string field;  // "env USER_ID", "cmd", "entrypoint"
};

// Fills the templates of `spec` from `context` (key -> text). Throws UnfilledTemplate.
// An env value is secret when its key is in spec.secret_env or its template reads one
// of `secret_keys` (context keys set from a boss.secret value).
DesiredConfig desired_config(const ServiceSpec& spec, const std::string& image_id,
                             const std::map<std::string, std::string>& context,
                             const std::set<std::string>& secret_keys = {});

// What differs between the config a container was made from (its boss.config label,
// parsed) and the desired one, as short phrases: "image changed", "env USER_ID changed",
// "ports changed", "healthcheck changed". Empty when they are equal.
std::vector<std::string> describe_changes(const nlohmann::json& old_config, const DesiredConfig& desired);

std::string fnv1a_hex(const std::string& data);

}  // namespace boss
