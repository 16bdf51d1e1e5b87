#include "core/healthcheck.h"

namespace boss {

nlohmann::json HealthCheck::to_json() const {
  if (disabled()) return {{"test", test}};
  return {{"test", test},          {"interval", interval},         {"timeout", timeout},
          {"retries", retries},    {"start_period", start_period}, {"start_interval", start_interval}};
}

HealthCheck disabled_healthcheck() {
  HealthCheck check;
  check.test = {"NONE"};
  return check;
}

}  // namespace boss
