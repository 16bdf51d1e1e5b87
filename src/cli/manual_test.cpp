// The manual (docs/boss.1) and every command's --help against the command line's
// definition: a command or option added without its documentation fails here.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cli/command_line_app.h"
#include "cli/completion_model.h"
#include "testing/source_file.h"

using namespace boss;

namespace {

// The manual's text with roff's escaped hyphens as plain ones.
std::string manual_text() {
  const std::string text = boss::testing::source_file("docs/boss.1");
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
    plain += text[i];
  }
  return plain;
}

}  // namespace

TEST_CASE("manual: boss(1) names every command and every option") {
  const std::string manual = manual_text();
  const auto model = completion_model(define_command_line()->app);
  for (const auto& global : model.globals)
    for (const auto& name : global.names) CHECK_MESSAGE(manual.find(name) != std::string::npos, "global " << name);
  for (const auto& command : model.commands) {
    CHECK_MESSAGE(manual.find(".B " + command.name) != std::string::npos, "command " << command.name);
    for (const auto& option : command.options)
      for (const auto& name : option.names)
        CHECK_MESSAGE(manual.find(name) != std::string::npos, command.name << " " << name);
  }
}

TEST_CASE("manual: every command's --help ends with examples of it") {
  const auto definition = define_command_line();
  CHECK(definition->app.get_footer().find("Examples:\n  boss ") != std::string::npos);
  for (const auto& name : visible_commands()) {
    const std::string footer = definition->app.get_subcommand(name)->get_footer();
    CHECK_MESSAGE(footer.find("Examples:") == 0, name);
    CHECK_MESSAGE(footer.find("boss " + name) != std::string::npos, name);
  }
}
