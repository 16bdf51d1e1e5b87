#include "cli/services_file.h"

namespace boss {

std::string services_file(const std::string& given, const std::filesystem::path& dir) {
  if (!given.empty()) return given;
  for (const auto& name : kServicesFileNames) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / name, ec)) return name;
  }
  return kServicesFileNames.front();
}

}  // namespace boss
