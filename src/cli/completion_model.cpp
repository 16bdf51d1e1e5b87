#include "cli/completion_model.h"

#include <CLI/CLI.hpp>

#include "cli/command_line_app.h"

namespace boss {
namespace {

// "TEXT:{auto,tty,plain}" (a member check's description) -> its members.
std::vector<std::string> members(const std::string& type_name) {
  std::vector<std::string> words;
  const auto open = type_name.find('{');
  const auto close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return words;
  const std::string list = type_name.substr(open + 1, close - open - 1);
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string word = list.substr(start, comma - start);
    word.erase(0, word.find_first_not_of(' '));
    word.erase(word.find_last_not_of(' ') + 1);
    if (!word.empty()) words.push_back(word);
    start = comma + 1;
  }
  return words;
}

// What completes a value, from its option's type name.
ValueKind kind_of(const CLI::Option& option, std::vector<std::string>& choices) {
  if (!option.get_positional() && option.get_expected_max() == 0) return ValueKind::none;
  const std::string type = option.get_type_name();
  if (type.rfind("FILE", 0) == 0) return ValueKind::file;
  if (type.rfind("SERVICE", 0) == 0) return ValueKind::service;
  choices = members(type);
  return choices.empty() ? ValueKind::text : ValueKind::choice;
}

std::vector<CompletionOption> named_options(const CLI::App& app) {
  std::vector<CompletionOption> options;
  for (const CLI::Option* option : app.get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
    CompletionOption entry;
    for (const auto& name : option->get_snames()) entry.names.push_back("-" + name);
    for (const auto& name : option->get_lnames()) entry.names.push_back("--" + name);
    entry.description = option->get_description();
    entry.value = kind_of(*option, entry.choices);
    entry.repeatable = option->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    options.push_back(std::move(entry));
  }
  return options;
}

}  // namespace

bool has_name(const CompletionOption& option, const std::string& name) {
  for (const auto& n : option.names)
    if (n == name) return true;
  return false;
}

std::vector<CompletionOption> globals_of(const CompletionModel& model, const CompletionCommand& command) {
  std::vector<CompletionOption> globals;
  for (const auto& global : model.globals) {
    bool shadowed = false;
    for (const auto& own : command.options)
      for (const auto& name : global.names) shadowed = shadowed || has_name(own, name);
    if (!shadowed) globals.push_back(global);
  }
  return globals;
}

CompletionModel completion_model(const CLI::App& app) {
  CompletionModel model;
  model.globals = named_options(app);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    CompletionCommand command;
    command.name = sub->get_name();
    command.description = sub->get_description();
    command.options = named_options(*sub);
    for (const CLI::Option* option : sub->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
      command.positional = kind_of(*option, command.positional_choices);
      command.single_positional = option->get_items_expected_max() == 1;
    }
    command.command_after_positional = takes_command_after_service(command.name);
    model.commands.push_back(std::move(command));
  }
  return model;
}

}  // namespace boss
