// The `healthcheck` of a service: the engine runs `test` inside the container every
// `interval` and reports the container healthy or unhealthy (events "health_status: ...").
// Times are seconds; the engine takes nanoseconds (docker_request converts).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace boss {

struct HealthCheck {
  // {"CMD", argv...}, {"CMD-SHELL", "command"}, or {"NONE"}: the image's own check is off.
  std::vector<std::string> test;
  double interval = 1;
  double timeout = 2;
  int retries = 3;
  double start_period = 0;
  // Engine API 1.44+ (Docker 25); older engines ignore it and check every `interval`.
  double start_interval = 0.2;

  bool disabled() const { return test.size() == 1 && test.front() == "NONE"; }
  bool operator==(const HealthCheck&) const = default;
  // Canonical, for the config hash: {"test":[...],"interval":1,...}.
  nlohmann::json to_json() const;
};

// healthcheck = false: the image's check is switched off.
HealthCheck disabled_healthcheck();

}  // namespace boss
