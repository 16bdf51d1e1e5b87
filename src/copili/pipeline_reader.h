// copili's pipeline files (pipeline.yaml, .yml, .json) read into the same Project as
// services.lua, so every command works on them alike (docs/copili.md).
//
// A pipeline is one key, the pipeline's name (the project's, lowercased, every character
// outside [a-z0-9_-] as '-'; -p wins), holding a list of container descriptions. Each
// description is a job (kind = "job"): it runs to completion, and its dependents start
// only after it exited 0. `$VAR`, `${VAR}` and compose's other forms are filled in every
// value from the environment, then from .env (the environment wins). A description whose
// `exlude_in_env` lists the value of ENV is left out, and dropped from its dependents'
// dependencies. A job's `sidecars` (container descriptions too) go to Project::sidecars
// (core/sidecars.h), named in the job's sidecars. A key copili does not have and a wrong
// type are a DefinitionError at file:line:column; nothing is ever dropped silently.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/interpolate.h"
#include "core/project.h"

namespace boss {

struct PipelineInput {
  std::string project_override;               // -p; "" = the pipeline's name
  EnvLookup environment;                      // the shell's variables
  std::map<std::string, std::string> dotenv;  // .env beside the file, or --env-file's values
};

struct PipelineProject {
  Project project;
  // Service names of `is_service_container` descriptions: scheduled jobs, run by `boss
  // serve` once a day at 00:00 as copili's service mode does, or by their `schedule` key
  // (a cron expression, boss's own key); left out of `boss start` of all services.
  std::vector<std::string> service_containers;
  // Descriptions left out by exlude_in_env, in file order.
  std::vector<std::string> excluded;
  // Service -> the variable its image_reg_password was written as ("$REG_PASS",
  // "${REG_PASS}"): what `boss convert` reads the password from instead of writing it.
  std::map<std::string, std::string> password_variables;
};

// .json files; .yaml and .yml files whose root is one key holding a list (a compose file's
// root holds `services:` and other mappings). A file that cannot be read or parsed is no
// pipeline here: the reader that takes it reports why.
bool is_pipeline_file(const std::filesystem::path& file);

// Reads the pipeline at `file` (named as given in messages). Throws DefinitionError.
PipelineProject read_pipeline_file(const std::filesystem::path& file, const PipelineInput& input);
// The same for text already read; `file` names it and places the project (its folder).
PipelineProject read_pipeline_text(const std::string& text, const std::filesystem::path& file,
                                   const PipelineInput& input);

}  // namespace boss
