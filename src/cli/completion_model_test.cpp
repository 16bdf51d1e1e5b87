#include "cli/completion_model.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "cli/command_line_app.h"

using namespace boss;

namespace {

const CompletionCommand& command(const CompletionModel& model, const std::string& name) {
  const auto found = std::find_if(model.commands.begin(), model.commands.end(),
                                  [&](const CompletionCommand& c) { return c.name == name; });
  REQUIRE(found != model.commands.end());
  return *found;
}

const CompletionOption& option(const std::vector<CompletionOption>& options, const std::string& name) {
  const auto found = std::find_if(options.begin(), options.end(),
                                  [&](const CompletionOption& o) { return has_name(o, name); });
  REQUIRE(found != options.end());
  return *found;
}

}  // namespace

TEST_CASE("completion model: the commands of the definition, hidden ones left out") {
  const auto model = completion_model(define_command_line()->app);
  std::vector<std::string> names;
  for (const auto& c : model.commands) names.push_back(c.name);
  CHECK(names == visible_commands());
}

TEST_CASE("completion model: what completes each value comes from the definition's type names") {
  const auto model = completion_model(define_command_line()->app);
  CHECK(option(model.globals, "--file").value == ValueKind::file);
  CHECK(option(model.globals, "-f").names == std::vector<std::string>{"-f", "--file"});
  CHECK(option(model.globals, "--project").value == ValueKind::text);
  CHECK(option(model.globals, "--verbose").value == ValueKind::none);
  CHECK(option(model.globals, "--progress").value == ValueKind::choice);
  CHECK(option(model.globals, "--progress").choices ==
        std::vector<std::string>{"auto", "tty", "plain", "json", "quiet"});
  CHECK(option(model.globals, "--env-file").repeatable);

  const auto& start = command(model, "start");
  CHECK(start.positional == ValueKind::service);
  CHECK_FALSE(start.single_positional);
  CHECK(option(start.options, "--exclude").value == ValueKind::service);
  CHECK(option(start.options, "--timeout").value == ValueKind::text);
  CHECK(option(start.options, "--build").value == ValueKind::none);

  const auto& exec = command(model, "exec");
  CHECK(exec.positional == ValueKind::service);
  CHECK(exec.single_positional);
  CHECK(exec.command_after_positional);

  const auto& completion = command(model, "completion");
  CHECK(completion.positional == ValueKind::choice);
  CHECK(completion.positional_choices == std::vector<std::string>{"bash", "zsh", "fish"});
  CHECK(command(model, "convert").positional == ValueKind::file);
  CHECK(command(model, "status").positional == ValueKind::none);
}

TEST_CASE("completion model: a command's own option shadows the global of the same name") {
  const auto model = completion_model(define_command_line()->app);
  const auto& logs = command(model, "logs");
  CHECK(option(logs.options, "-f").value == ValueKind::none);  // --follow
  const auto globals = globals_of(model, logs);
  CHECK(std::none_of(globals.begin(), globals.end(), [](const CompletionOption& o) { return has_name(o, "--file"); }));
  const auto start_globals = globals_of(model, command(model, "start"));
  CHECK(std::any_of(start_globals.begin(), start_globals.end(),
                    [](const CompletionOption& o) { return has_name(o, "--file"); }));
}
