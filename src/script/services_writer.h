// The counterpart of service_reader: a Project written out as a services.lua that reads
// back into the same Project (what `boss convert compose.yaml` prints). Data only: a
// Project holds no hook bodies, so none are written.
//
// Paths under the project's folder are written relative to it ("./data"), so the file
// must sit in that folder (beside the compose file it came from); others stay absolute.
#pragma once

#include <string>

#include "core/project.h"

namespace boss {

// `source` names where the project came from, for the file's first comment.
std::string write_services_lua(const Project& project, const std::string& source);

// A Lua string literal that reads back as `text` exactly ("a\"b", "\0", "\255").
std::string lua_quote(const std::string& text);

}  // namespace boss
