// The boss.engine declarations of services.lua (lua/boss.lua's internal.engines(), whose
// shapes boss.lua has already checked) as EngineSpecs, their TLS files made absolute
// against the project's folder.
#pragma once

#include <filesystem>
#include <vector>

#include "core/project.h"

struct lua_State;

namespace boss {

// Reads the list at stack index `index`; leaves the stack as it found it.
std::vector<EngineSpec> read_engines(lua_State* L, int index, const std::filesystem::path& dir);

}  // namespace boss
