#include "core/registry_auth.h"

namespace boss {

bool names_registry(const std::string& image) {
  const auto slash = image.find('/');
  if (slash == std::string::npos) return false;
  const std::string first = image.substr(0, slash);
  return first.find_first_of(".:") != std::string::npos || first == "localhost";
}

std::string registry_host(const std::string& image) {
  if (!names_registry(image)) return "docker.io";
  return image.substr(0, image.find('/'));
}

RegistryAuth credentials_for(const std::optional<RegistryAuth>& own, const std::string& image,
                             CredentialSource* source) {
  if (own) return *own;
  if (source)
    if (auto found = source->find(registry_host(image))) return *found;
  return {};
}

}  // namespace boss
