// A container's restart policy, as compose spells it in services.lua's `restart` field:
// "no", "always", "unless-stopped", "on-failure" or "on-failure:N" (at most N restarts).
// The engine restarts a container by this policy on its own; boss only sets it.
#pragma once

#include <optional>
#include <string>

namespace boss {

struct RestartPolicy {
  std::string name;     // "" (no), "always", "unless-stopped", "on-failure"
  int max_retries = 0;  // on-failure only; 0 = no limit
  bool operator==(const RestartPolicy&) const = default;
};

// The allowed spellings, for messages.
inline constexpr const char* kRestartPolicyForms = "no, always, unless-stopped, on-failure or on-failure:N";

// Parses the field's text; "no" is the empty policy. nullopt for anything else
// (N must be a whole number from 1 to 1000000).
std::optional<RestartPolicy> parse_restart_policy(const std::string& text);

// The policy as the field would spell it, but "" for no policy: "always", "on-failure:3".
std::string restart_policy_text(const RestartPolicy& policy);

}  // namespace boss
