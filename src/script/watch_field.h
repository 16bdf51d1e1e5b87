// The `watch` field of a service: boss watch's sync rules, read from the Lua stack.
//
//   watch = { { path = "src", target = "/app/src", restart = false, ignore = { "*.tmp" } } }
//
// Throws DefinitionError with the text that follows "field 'watch' " in the one-line
// message service_reader makes of it ("rule 1: unknown key 'targt' (did you mean
// 'target'?); ..."). Leaves the stack as it found it.
#pragma once

#include <filesystem>
#include <vector>

#include "core/project.h"

struct lua_State;

namespace boss {

// `dir` is the project's folder (services.lua's): a rule's `path` is resolved against it
// and must stay inside it; `target` must be absolute.
std::vector<SyncRule> read_watch_rules(lua_State* L, int index, const std::filesystem::path& dir);

}  // namespace boss
