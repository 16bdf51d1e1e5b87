// docker compose files (compose.yaml, docker-compose.yml) read into the same Project as
// services.lua, so every command works on them alike.
//
// What is read: see docs/compose.md (each key, how it maps to a services.lua field, and
// what boss does differently). The rules compose has are kept: `${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?error}`, `$$` in every value, filled from the shell's
// environment and then from .env (the shell wins); COMPOSE_PROJECT_NAME and
// COMPOSE_PROFILES from either. A key of the compose specification that boss does not
// support is a warning naming it with file:line:column, never a silent drop; a key that
// is not compose's at all, a wrong type or a bad value is a DefinitionError at its place.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/interpolate.h"
#include "core/project.h"

namespace boss {

struct ComposeInput {
  std::string project_override;                  // -p; "" = COMPOSE_PROJECT_NAME, name:, the folder
  EnvLookup environment;                          // the shell's variables
  std::map<std::string, std::string> dotenv;      // .env beside the file, or --env-file's values
};

struct ComposeProject {
  Project project;
  // One line each, "compose.yaml:12:5: service 'web': 'networks' is not supported by boss, ignored".
  std::vector<std::string> warnings;
  // COMPOSE_PROFILES as the shell or .env sets it (comma-separated), when it does.
  std::optional<std::string> profiles;
};

// compose.yaml, compose.yml, docker-compose.yaml, ...: a file ending in .yaml or .yml.
bool is_compose_file(const std::filesystem::path& file);

// Reads the compose file at `file` (named as given in messages). Throws DefinitionError.
ComposeProject read_compose_file(const std::filesystem::path& file, const ComposeInput& input);
// The same for a file's text already read (`file` names it in messages and places the
// project: its folder is the project's).
ComposeProject read_compose_text(const std::string& text, const std::filesystem::path& file,
                                 const ComposeInput& input);

}  // namespace boss
