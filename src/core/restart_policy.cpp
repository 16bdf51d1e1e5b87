#include "core/restart_policy.h"

namespace boss {

std::optional<RestartPolicy> parse_restart_policy(const std::string& text) {
  if (text == "no") return RestartPolicy{};
  if (text == "always" || text == "unless-stopped" || text == "on-failure") return RestartPolicy{text, 0};
  const std::string prefix = "on-failure:";
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string digits = text.substr(prefix.size());
  if (digits.empty() || digits.size() > 7 || digits.front() == '0') return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  const int retries = std::stoi(digits);
  if (retries > 1000000) return std::nullopt;
  return RestartPolicy{"on-failure", retries};
}

std::string restart_policy_text(const RestartPolicy& policy) {
  if (policy.name == "no") return "";
  if (policy.name == "on-failure" && policy.max_retries > 0)
    return policy.name + ":" + std::to_string(policy.max_retries);
  return policy.name;
}

}  // namespace boss
