// Which engine boss talks to, found the way the docker CLI finds it:
//   1. --context NAME, or -H/--host URL (not both);
//   2. DOCKER_HOST, with TLS when DOCKER_TLS_VERIFY (verified) or DOCKER_TLS (not
//      verified) is set, from DOCKER_CERT_PATH (default: the config folder): ca.pem,
//      cert.pem, key.pem;
//   3. the context DOCKER_CONTEXT names, else config.json's currentContext (its host and
//      its TLS files; "default" is the same as no context);
//   4. unix:///var/run/docker.sock.
// Every problem is a DefinitionError of one line naming the endpoint (or context) and
// where it came from, before any connection is tried.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/endpoint.h"

namespace boss {

struct EndpointRequest {
  std::string host;     // -H/--host
  std::string context;  // --context
};

struct ResolvedEndpoint {
  Endpoint endpoint;
  std::string origin;  // "-H", "DOCKER_HOST", "context 'prod' (DOCKER_CONTEXT)", "default"
};

// Reads an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

ResolvedEndpoint resolve_endpoint(const EndpointRequest& request, const EnvLookup& env,
                                  const std::filesystem::path& config_dir);

// resolve_endpoint({}, the process's environment, docker_config_dir()).endpoint.
Endpoint endpoint_from_environment();

// `endpoint`'s TLS files exist and go together (a certificate needs its key); throws
// DefinitionError "cannot use tcp://h:2376 (ORIGIN): /p/key.pem is missing (...)".
void check_tls_files(const Endpoint& endpoint, const std::string& origin);

// TLS files from a folder laid out as DOCKER_CERT_PATH is (ca.pem, cert.pem, key.pem);
// without `verify` the CA is not used.
TlsFiles tls_files_in(const std::filesystem::path& dir, bool verify);

}  // namespace boss
