// What shell completions offer, read from the command line's CLI11 definition
// (cli/command_line_app.h): the commands, their options and global options, and for each
// value what completes it. Hidden commands (no help group) are left out.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace boss {

// What completes an option's value or a command's positional arguments.
enum class ValueKind {
  none,     // nothing: a flag, or a command without positionals
  text,     // free text (a project name, a duration): nothing offered
  file,     // a path (type name FILE)
  service,  // a service of the project (type name SERVICE), asked of `boss __complete services`
  choice,   // one of `choices` (a member check)
};

struct CompletionOption {
  std::vector<std::string> names;  // "-f", "--file"
  std::string description;
  ValueKind value = ValueKind::none;
  std::vector<std::string> choices;
  bool repeatable = false;  // --exclude a --exclude b
};

struct CompletionCommand {
  std::string name;
  std::string description;
  std::vector<CompletionOption> options;  // its own, including -h/--help
  ValueKind positional = ValueKind::none;
  std::vector<std::string> positional_choices;
  bool single_positional = false;      // one positional word (exec's service, completion's shell)
  bool command_after_positional = false;  // exec, run: what follows the service is a command
};

struct CompletionModel {
  std::vector<CompletionOption> globals;  // the app's own, including --help and --version
  std::vector<CompletionCommand> commands;
};

CompletionModel completion_model(const CLI::App& app);

// The global options a command's own options do not shadow (logs' -f is --follow, not --file).
std::vector<CompletionOption> globals_of(const CompletionModel& model, const CompletionCommand& command);

// Whether `option` is called `name`.
bool has_name(const CompletionOption& option, const std::string& name);

}  // namespace boss
