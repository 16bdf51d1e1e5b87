#include "platform/docker_contexts.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace boss {

namespace {

// The file's JSON, or nullopt when it cannot be read.
std::optional<nlohmann::json> read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) throw DefinitionError(file.string() + ": not a JSON object");
  return json;
}

}  // namespace

std::filesystem::path docker_config_dir() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/root") / ".docker";
}

std::string current_docker_context(const std::filesystem::path& config_dir) {
  const auto json = read_json(config_dir / "config.json");
  if (!json) return "";
  const auto it = json->find("currentContext");
  return it != json->end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<DockerContext> find_docker_context(const std::filesystem::path& config_dir, const std::string& name) {
  const auto meta = config_dir / "contexts" / "meta";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(meta, ec), end; !ec && it != end; it.increment(ec)) {
    const auto json = read_json(it->path() / "meta.json");
    if (!json) continue;
    const auto found = json->find("Name");
    if (found == json->end() || !found->is_string() || found->get<std::string>() != name) continue;
    DockerContext context;
    context.name = name;
    const auto docker = json->value("/Endpoints/docker"_json_pointer, nlohmann::json::object());
    if (docker.is_object()) {
      if (const auto host = docker.find("Host"); host != docker.end() && host->is_string())
        context.host = host->get<std::string>();
      if (const auto skip = docker.find("SkipTLSVerify"); skip != docker.end() && skip->is_boolean())
        context.skip_tls_verify = skip->get<bool>();
    }
    const auto tls = config_dir / "contexts" / "tls" / it->path().filename() / "docker";
    if (std::filesystem::is_directory(tls, ec)) context.tls_dir = tls;
    return context;
  }
  return std::nullopt;
}

}  // namespace boss
