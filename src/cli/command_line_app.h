// The command line's definition: boss's commands and options as one CLI11 app, bound to
// an `Options` and the texts parse_command_line checks afterwards. Parsing
// (command_line) and the shell completions (completion_model) both read this one
// definition, so completions never drift from what boss accepts.
//
// Type names carry what an option's value is, for help and completions alike: FILE (a
// path), SERVICE (a service of the project), a member check ({a,b,c}) for a fixed set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_line.h"

namespace boss {

struct CommandLineApp {
  CLI::App app{"boss: brings up dependent Docker containers described in services.lua", "boss"};
  Options options;
  // Texts checked and converted after parsing.
  std::string timeout_text, stop_timeout_text, tail_text = "all", since_text, wait_timeout_text, memory_budget_text;
  std::vector<std::string> env_text;
};

// The commands a user may type, in the order help shows them (hidden ones excluded).
const std::vector<std::string>& visible_commands();
// Every command word boss accepts, hidden ones (`__complete`) included.
const std::vector<std::string>& all_commands();

// exec and run: everything after the service is the command to run, never boss's.
bool takes_command_after_service(const std::string& command);

// A fresh definition (CLI11 apps are neither copyable nor movable, hence the pointer).
std::unique_ptr<CommandLineApp> define_command_line();

}  // namespace boss
