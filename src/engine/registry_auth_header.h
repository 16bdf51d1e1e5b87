// Credentials as the Docker Engine API takes them on pull and push: the X-Registry-Auth
// header, base64url of a JSON object, and the one-line error for a registry that refused
// them. Neither ever contains a secret in text meant for people.
#pragma once

#include <optional>
#include <string>

#include "core/registry_auth.h"

namespace boss {

// "X-Registry-Auth: <base64url JSON>": {"username", "password", "serveraddress"}, or
// {"identitytoken", "serveraddress"} when there is a token; "{}" for none (push needs the
// header even then).
std::string registry_auth_header(const RegistryAuth& auth, const std::string& registry);

// When the engine's `message` says the registry refused or wanted credentials: the one
// line for it, "<verb> of <ref> failed: <registry>: unauthorized (check the credentials
// for <registry>)"; else nullopt.
std::optional<std::string> unauthorized_error(const std::string& verb, const std::string& ref,
                                              const std::string& message);

}  // namespace boss
