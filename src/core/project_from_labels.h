// A project as the engine knows it, for when services.lua is missing or does not load:
// `status`, `stop` and `logs` must still work on what runs (as `docker compose -p NAME
// down` does). Services are the boss.service labels of the project's containers, their
// dependencies the boss.dependencies labels (so stop keeps its order); there are no hooks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

Project project_from_labels(const std::string& name, const std::filesystem::path& file,
                            const std::vector<ContainerInfo>& containers);

}  // namespace boss
