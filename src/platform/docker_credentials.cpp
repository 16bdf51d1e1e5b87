#include "platform/docker_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/errors.h"
#include "platform/credential_helper.h"

namespace boss {
namespace {

constexpr const char* kDockerHubServer = "https://index.docker.io/v1/";

std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

RegistryAuth read_auth_entry(const nlohmann::json& entry, const std::string& where) {
  if (!entry.is_object()) throw EngineError(where + " must be an object");
  RegistryAuth auth;
  auth.username = string_field(entry, "username");
  auth.password = string_field(entry, "password");
  auth.identity_token = string_field(entry, "identitytoken");
  if (const std::string encoded = string_field(entry, "auth"); !encoded.empty()) {
    const auto decoded = base64_decode(encoded);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) throw EngineError(where + ": 'auth' is not base64 of user:password");
    auth.username = decoded->substr(0, colon);
    auth.password = decoded->substr(colon + 1);
  }
  return auth;
}

}  // namespace

std::string config_key_host(const std::string& key) {
  std::string host = key;
  for (const char* scheme : {"https://", "http://"})
    if (host.rfind(scheme, 0) == 0) host.erase(0, std::string(scheme).size());
  host = host.substr(0, host.find('/'));
  if (host == "index.docker.io" || host == "registry-1.docker.io") return "docker.io";
  return host;
}

DockerConfig parse_docker_config(const std::string& text, const std::string& file) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) throw EngineError(file + ": not a JSON object (the docker CLI's config)");
  DockerConfig config;
  if (const auto auths = json.find("auths"); auths != json.end() && !auths->is_null()) {
    if (!auths->is_object()) throw EngineError(file + ": 'auths' must be an object");
    for (const auto& [key, entry] : auths->items())
      config.auths[config_key_host(key)] = read_auth_entry(entry, file + ": auths entry '" + key + "'");
  }
  if (const auto helpers = json.find("credHelpers"); helpers != json.end() && !helpers->is_null()) {
    if (!helpers->is_object()) throw EngineError(file + ": 'credHelpers' must be an object");
    for (const auto& [key, name] : helpers->items()) {
      if (!name.is_string()) throw EngineError(file + ": credHelpers entry '" + key + "' must be a helper's name");
      config.cred_helpers[config_key_host(key)] = name.get<std::string>();
    }
  }
  config.creds_store = string_field(json, "credsStore");
  return config;
}

std::filesystem::path docker_config_file() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return std::filesystem::path(dir) / "config.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : "") / ".docker" / "config.json";
}

DockerConfigCredentials::DockerConfigCredentials(std::filesystem::path file, HelperFn helper)
    : m_file(std::move(file)), m_helper(std::move(helper)) {
  if (!m_helper)
    m_helper = [](const std::string& name, const std::string& server) { return credentials_from_helper(name, server); };
}

std::optional<RegistryAuth> DockerConfigCredentials::find(const std::string& registry) {
  std::lock_guard lock(m_mutex);
  const auto known = m_found.find(registry);
  if (known != m_found.end()) return known->second;
  auto found = look_up(registry);
  m_found[registry] = found;
  return found;
}

std::optional<RegistryAuth> DockerConfigCredentials::look_up(const std::string& registry) {
  if (!m_config) {
    std::ifstream in(m_file);
    if (!in) {
      m_config = DockerConfig{};
    } else {
      std::ostringstream text;
      text << in.rdbuf();
      m_config = parse_docker_config(text.str(), m_file.string());
    }
  }
  const std::string host = config_key_host(registry);
  // Helpers are asked with the address the CLI stored the login under.
  const std::string server = host == "docker.io" ? kDockerHubServer : host;
  if (const auto helper = m_config->cred_helpers.find(host); helper != m_config->cred_helpers.end())
    return m_helper(helper->second, server);
  if (!m_config->creds_store.empty())
    if (auto stored = m_helper(m_config->creds_store, server)) return stored;
  if (const auto entry = m_config->auths.find(host); entry != m_config->auths.end() && !entry->second.empty())
    return entry->second;
  return std::nullopt;
}

}  // namespace boss
