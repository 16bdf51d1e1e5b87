#include "engine/registry_auth_header.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"

namespace boss {

std::string registry_auth_header(const RegistryAuth& auth, const std::string& registry) {
  nlohmann::json body = nlohmann::json::object();
  if (!auth.empty()) {
    if (!auth.identity_token.empty()) {
      body["identitytoken"] = auth.identity_token;
    } else {
      body["username"] = auth.username;
      body["password"] = auth.password;
    }
    body["serveraddress"] = registry;
  }
  return "X-Registry-Auth: " + base64_encode(body.dump(), Base64Alphabet::url);
}

std::optional<std::string> unauthorized_error(const std::string& verb, const std::string& ref,
                                              const std::string& message) {
  // What the engine relays from a registry: "unauthorized: authentication required",
  // "... no basic auth credentials", "denied: requested access to the resource is denied".
  static const char* const kRefusals[] = {"unauthorized", "no basic auth credentials", "authentication required",
                                          "requested access to the resource is denied"};
  bool refused = false;
  for (const char* refusal : kRefusals) refused = refused || message.find(refusal) != std::string::npos;
  if (!refused) return std::nullopt;
  const std::string registry = registry_host(ref);
  return verb + " of " + ref + " failed: " + registry + ": unauthorized (check the credentials for " + registry + ")";
}

}  // namespace boss
