// The docker CLI's contexts, where it keeps them: $DOCKER_CONFIG (else ~/.docker)
// /config.json's `currentContext`, and one folder per context under contexts/meta/
// (meta.json: {"Name": ..., "Endpoints": {"docker": {"Host": ..., "SkipTLSVerify": ...}}})
// with its TLS files, if any, under contexts/tls/<the same folder name>/docker/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace boss {

struct DockerContext {
  std::string name;
  std::string host;             // Endpoints.docker.Host; "" = the default socket
  bool skip_tls_verify = false;  // Endpoints.docker.SkipTLSVerify
  // contexts/tls/<id>/docker when it exists (ca.pem, cert.pem, key.pem), else "".
  std::filesystem::path tls_dir;
};

// $DOCKER_CONFIG, else $HOME/.docker.
std::filesystem::path docker_config_dir();
// config.json's currentContext ("" when the file, or the key, is not there). Throws
// DefinitionError naming the file when it is not JSON.
std::string current_docker_context(const std::filesystem::path& config_dir);
// The context called `name` (its meta.json among contexts/meta/*/), or nullopt. Throws
// DefinitionError naming the file of a meta.json that is not JSON.
std::optional<DockerContext> find_docker_context(const std::filesystem::path& config_dir, const std::string& name);

}  // namespace boss
