// Registry credentials where the docker CLI keeps them: config.json in $DOCKER_CONFIG,
// else ~/.docker. For a registry, in the CLI's order:
//   1. credHelpers: {"<host>": "<name>"} runs docker-credential-<name>;
//   2. credsStore: "<name>", the helper for every registry;
//   3. auths: {"<host>": {"auth": base64("user:password")} or {"username", "password"},
//      optionally "identitytoken"}.
// Keys match by host: a scheme and a path are ignored ("https://host:5000/v2/" is
// "host:5000"), and Docker Hub answers to docker.io, index.docker.io,
// registry-1.docker.io and https://index.docker.io/v1/. A missing file means no
// credentials. The file is read once; each registry's answer is kept. Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/registry_auth.h"

namespace boss {

// What config.json says about credentials (the rest of the file is not read).
struct DockerConfig {
  std::map<std::string, RegistryAuth> auths;       // by host, as normalized below
  std::map<std::string, std::string> cred_helpers;  // host -> helper name
  std::string creds_store;                          // "" = none
};

// The host a config key names: "https://index.docker.io/v1/" -> "docker.io",
// "http://h:5000/path" -> "h:5000".
std::string config_key_host(const std::string& key);
// Reads config.json's text; throws EngineError naming `file` (and the entry, never a
// secret) for bad JSON or a bad entry.
DockerConfig parse_docker_config(const std::string& text, const std::string& file);
// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
std::filesystem::path docker_config_file();

class DockerConfigCredentials : public CredentialSource {
 public:
  // Runs a credential helper (name, server address): credentials_from_helper.
  using HelperFn = std::function<std::optional<RegistryAuth>(const std::string& name, const std::string& server)>;
  explicit DockerConfigCredentials(std::filesystem::path file = docker_config_file(), HelperFn helper = {});

  std::optional<RegistryAuth> find(const std::string& registry) override;

 private:
  std::optional<RegistryAuth> look_up(const std::string& registry);

  std::filesystem::path m_file;
  HelperFn m_helper;
  std::mutex m_mutex;
  std::optional<DockerConfig> m_config;
  std::map<std::string, std::optional<RegistryAuth>> m_found;
};

}  // namespace boss
