// Credentials for an image registry, and where boss finds them. Core only passes them
// along: the engine sends them (engine/registry_auth_header.h), platform/ reads them from
// the docker CLI's config (platform/docker_credentials.h), services.lua may give them per
// service (ServiceSpec::registry_auth).
//
// Contract: a password, secret or token is never part of any text boss writes (events,
// traces, labels, plans, error messages); only the registry's host is.
#pragma once

#include <optional>
#include <string>

namespace boss {

struct RegistryAuth {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth refresh token the registry gave at login
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
  bool operator==(const RegistryAuth&) const = default;
};

// The registry an image reference names, as the docker CLI decides it: the part before
// the first '/' when it looks like a host (has a '.' or a ':', or is "localhost"), else
// Docker Hub, "docker.io". "127.0.0.1:5000/app:1" -> "127.0.0.1:5000"; "busybox",
// "team/app" -> "docker.io".
std::string registry_host(const std::string& image);
// True when the reference names its registry itself ("host:5000/app", not "team/app").
bool names_registry(const std::string& image);

// Where credentials come from when a service gives none itself. Thread-safe.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The credentials for `registry` (a registry_host() value), or nullopt for none.
  // Throws EngineError (naming the file or helper, never a secret) when they exist but
  // cannot be read.
  virtual std::optional<RegistryAuth> find(const std::string& registry) = 0;
};

// The credentials to pull or push `image` with: `own` (a service's registry_auth), else
// `source`'s for its registry (source may be null), else none. Throws as find() does.
RegistryAuth credentials_for(const std::optional<RegistryAuth>& own, const std::string& image,
                             CredentialSource* source);

}  // namespace boss
