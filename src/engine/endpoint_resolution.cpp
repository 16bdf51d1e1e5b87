#include "engine/endpoint_resolution.h"

#include <cstdlib>
#include <system_error>

#include "core/errors.h"
#include "platform/docker_contexts.h"

namespace boss {

namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::string non_empty(const EnvLookup& env, const char* name) {
  const auto value = env(name);
  return value ? *value : "";
}

ResolvedEndpoint from_context(const std::string& name, const std::string& source,
                              const std::filesystem::path& config_dir) {
  const std::string origin = "context '" + name + "' (" + source + ")";
  const auto context = find_docker_context(config_dir, name);
  if (!context)
    throw DefinitionError("docker context '" + name + "' (" + source + ") does not exist in " +
                          (config_dir / "contexts").string() + " (docker context ls lists them)");
  std::optional<TlsFiles> tls;
  if (!context->tls_dir.empty()) tls = tls_files_in(context->tls_dir, !context->skip_tls_verify);
  ResolvedEndpoint resolved{parse_docker_host(context->host, std::nullopt, origin), origin};
  if (resolved.endpoint.kind == Endpoint::Kind::Tcp && tls) {
    resolved.endpoint = parse_docker_host(context->host, tls, origin);
  }
  check_tls_files(resolved.endpoint, origin);
  return resolved;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

Endpoint endpoint_from_environment() {
  return resolve_endpoint({}, process_environment(), docker_config_dir()).endpoint;
}

TlsFiles tls_files_in(const std::filesystem::path& dir, bool verify) {
  TlsFiles files;
  files.verify = verify;
  if (verify) files.ca = (dir / "ca.pem").string();
  files.cert = (dir / "cert.pem").string();
  files.key = (dir / "key.pem").string();
  // A folder without a client certificate at all: none is sent.
  if (!exists(files.cert) && !exists(files.key)) files.cert = files.key = "";
  return files;
}

void check_tls_files(const Endpoint& endpoint, const std::string& origin) {
  if (!endpoint.tls) return;
  const TlsFiles& tls = *endpoint.tls;
  auto missing = [&](const std::string& path, const std::string& why) {
    return DefinitionError("cannot use " + endpoint.display() + " (" + origin + "): " + path + " is missing (" + why +
                           ")");
  };
  if (tls.verify && !exists(tls.ca))
    throw missing(tls.ca, "the CA that signed the engine's certificate, to verify it");
  if (!tls.cert.empty() && !exists(tls.cert)) throw missing(tls.cert, "the certificate for " + tls.key);
  if (!tls.key.empty() && !exists(tls.key)) throw missing(tls.key, "the key of " + tls.cert);
}

ResolvedEndpoint resolve_endpoint(const EndpointRequest& request, const EnvLookup& env,
                                  const std::filesystem::path& config_dir) {
  if (!request.host.empty() && !request.context.empty())
    throw DefinitionError("-H/--host and --context name two engines: give one of them");
  if (!request.context.empty() && request.context != "default")
    return from_context(request.context, "--context", config_dir);

  std::string host = request.host;
  std::string origin = "-H";
  if (host.empty() && request.context.empty()) {
    host = non_empty(env, "DOCKER_HOST");
    origin = "DOCKER_HOST";
  }
  if (host.empty() && request.context.empty()) {
    if (const std::string name = non_empty(env, "DOCKER_CONTEXT"); !name.empty()) {
      if (name != "default") return from_context(name, "DOCKER_CONTEXT", config_dir);
    } else if (const std::string current = current_docker_context(config_dir); !current.empty()) {
      if (current != "default")
        return from_context(current, "currentContext of " + (config_dir / "config.json").string(), config_dir);
    }
    origin = "default";
  }
  // The default context: TLS as DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH say.
  const bool verify = !non_empty(env, "DOCKER_TLS_VERIFY").empty();
  const bool tls = verify || !non_empty(env, "DOCKER_TLS").empty();
  std::optional<TlsFiles> files;
  if (tls) {
    const std::string cert_path = non_empty(env, "DOCKER_CERT_PATH");
    files = tls_files_in(cert_path.empty() ? config_dir : std::filesystem::path(cert_path), verify);
  }
  ResolvedEndpoint resolved{parse_docker_host(host, std::nullopt, origin), origin};
  if (resolved.endpoint.kind == Endpoint::Kind::Tcp && files) resolved.endpoint = parse_docker_host(host, files, origin);
  check_tls_files(resolved.endpoint, origin);
  return resolved;
}

}  // namespace boss
