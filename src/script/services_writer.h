// The counterpart of service_reader: a Project written out as a services.lua that reads
// back into the same Project (what `boss convert compose.yaml` prints). Data only: a
// Project holds no hook bodies, so none are written.
//
// Paths under the project's folder are written relative to it ("./data"), so the file
// must sit in that folder (beside the compose file it came from); others stay absolute.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/project.h"

namespace boss {

// Comment lines written above a service (by name), for what its source said that a
// services.lua cannot hold yet.
using ServiceNotes = std::map<std::string, std::vector<std::string>>;

struct ConvertOptions {
  ServiceNotes notes = {};
  // Registry passwords are never written: each service's registry_auth reads its password
  // with boss.secret(boss.env(VAR)), VAR from here (by service) else
  // "<SERVICE>_REGISTRY_PASSWORD", and a comment above the service names it.
  std::map<std::string, std::string> password_variables = {};
};

// `source` names where the project came from, for the file's first comment. Project::sidecars
// are written first, as service classes the jobs name in their `sidecars`.
std::string write_services_lua(const Project& project, const std::string& source, const ConvertOptions& options = {});

// A Lua string literal that reads back as `text` exactly ("a\"b", "\0", "\255").
std::string lua_quote(const std::string& text);

}  // namespace boss
