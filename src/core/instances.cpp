#include "core/instances.h"

#include <cstdlib>

namespace boss {

int instance_of(const Labels& labels) {
  const auto it = labels.find(kLabelInstance);
  if (it == labels.end()) return 1;
  char* end = nullptr;
  const long n = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || n < 1 || n > 1000000) return 1;
  return static_cast<int>(n);
}

int shown_instance(int instances, int number) { return instances > 1 || number > 1 ? number : 0; }

std::string instance_host(const std::string& service, int shown) {
  return shown > 0 ? service + "-" + std::to_string(shown) : service;
}

std::string instance_key(const std::string& service, int shown) {
  return shown > 0 ? service + "#" + std::to_string(shown) : service;
}

}  // namespace boss
