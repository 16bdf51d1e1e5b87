// Which file describes the project when -f does not say: the first of services.lua,
// compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in the current
// folder (docker compose's own order for the last four), else services.lua (whose
// absence the reader then reports).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace boss {

inline const std::vector<std::string> kServicesFileNames = {"services.lua", "compose.yaml", "compose.yml",
                                                             "docker-compose.yaml", "docker-compose.yml"};

// `given` when not empty; else the first of kServicesFileNames that exists in `dir`
// (relative, as the user would write it), else "services.lua".
std::string services_file(const std::string& given, const std::filesystem::path& dir);

}  // namespace boss
