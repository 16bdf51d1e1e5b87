// Turns one service class of services.lua into a ServiceSpec, checking every field's type.
//
// Only the shapes of values are checked here (and templates are well-formed); rules that
// look at the whole project (names, dependencies, signals) belong to validate_project.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/project.h"

struct lua_State;

namespace boss {

// Reads the record at stack index `index`, as made by boss.lua's internal.services():
// { fields = {flattened class fields}, origins = {field = "file:line"}, defined_at = "..." }.
// Relative paths are resolved against `dir` (absolute), "~" against $HOME.
// Throws DefinitionError with one line: "file:line: service 'web': field 'ports' ...".
// Leaves the Lua stack as it found it, also when throwing. Raises no Lua errors.
ServiceSpec read_service(lua_State* L, int index, const std::filesystem::path& dir);

// A path services.lua wrote, made absolute: "~" and "~/..." against $HOME, a relative one
// against `dir` (absolute).
std::filesystem::path resolve_user_path(const std::filesystem::path& dir, const std::string& path);

// Every field a service class may set: the data fields, then the hooks (kHooks' names).
// lua/boss.d.lua documents each (src/script/definitions_test.cpp keeps them in step).
std::vector<std::string> service_field_names();

// Lua's tostring for a number, which never shows a trailing ".0" for whole numbers.
std::string lua_number_text(double value);

}  // namespace boss
