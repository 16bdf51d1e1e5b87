#include "cli/command_line.h"

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <set>

#include <CLI/CLI.hpp>

#include "cli/command_line_app.h"
#include "cli/completion_model.h"

#include "core/byte_size.h"
#include "core/host_binding.h"
#include "core/time_text.h"
#include "core/validate.h"
#include "proxy/route.h"

namespace boss {
namespace {

// Option names for the scans that run before CLI11 does (for the command word, for exec's
// and run's service), read from the one definition so they cannot drift from it.
struct OptionWords {
  std::set<std::string> globals_with_value;  // the scan for the command word skips their value
  std::set<std::string> global_flags;
  std::set<std::string> attach_with_value;   // exec's and run's options that take a value
};

const OptionWords& option_words() {
  static const OptionWords words = [] {
    OptionWords w;
    const auto model = completion_model(define_command_line()->app);
    for (const auto& option : model.globals)
      for (const auto& name : option.names)
        (option.value == ValueKind::none ? w.global_flags : w.globals_with_value).insert(name);
    for (const auto& command : model.commands)
      if (takes_command_after_service(command.name))
        for (const auto& option : command.options)
          if (option.value != ValueKind::none) w.attach_with_value.insert(option.names.begin(), option.names.end());
    return w;
  }();
  return words;
}

// The index of the first word that is neither an option nor an option's value: the
// command. Lets boss say "unknown command 'stat'" instead of CLI11's "A subcommand is
// required". argc when there is none.
int command_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return argc;
    if (arg.rfind("-", 0) == 0) {
      if (option_words().globals_with_value.count(arg)) ++i;
      continue;
    }
    return i;
  }
  return argc;
}

std::optional<std::string> command_word(int argc, char** argv) {
  const int index = command_index(argc, argv);
  if (index >= argc) return std::nullopt;
  return std::string(argv[index]);
}

// -e KEY=VALUE, as a pair; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> env_assignment(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

// A command the word abbreviates ("stat" -> "status"), else the closest by spelling.
std::string command_hint(const std::string& word) {
  std::vector<std::string> prefixed;
  for (const auto& c : visible_commands())
    if (c.rfind(word, 0) == 0) prefixed.push_back(c);
  if (prefixed.size() == 1) return prefixed.front();
  return did_you_mean(word, visible_commands());
}

bool asks_for_help_or_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help" || arg == "--version") return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

Parsed fail(const std::string& message) {
  std::fprintf(stderr, "boss: %s\n", message.c_str());
  Parsed parsed;
  parsed.outcome = Parsed::Outcome::exit;
  parsed.exit_code = 2;
  return parsed;
}

// CLI11's messages, as one line that names the option.
std::string describe(const CLI::ParseError& e) {
  std::string text = e.what();
  for (const std::string extras : {"The following arguments were not expected: ",
                                   "The following argument was not expected: "}) {
    if (text.rfind(extras, 0) != 0) continue;
    const std::string first = text.substr(extras.size(), text.find(' ', extras.size()) - extras.size());
    if (first.rfind("-", 0) == 0) return "unknown option '" + first + "' (see boss --help)";
    return "unexpected argument '" + first + "' (see boss --help)";
  }
  return text + " (see boss --help)";
}

}  // namespace

int service_word_index(int argc, char** argv, int command) {
  for (int i = command + 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return i + 1 < argc ? i + 1 : argc;
    if (arg.rfind("-", 0) == 0) {
      if (option_words().globals_with_value.count(arg) || option_words().attach_with_value.count(arg)) ++i;
      continue;
    }
    return i;
  }
  return argc;
}

Parsed parse_command_line(int argc, char** argv) {
  Parsed parsed;
  Options opt;
  // exec and run: what follows the service is the command, whatever it looks like.
  std::vector<char*> own_args(argv, argv + argc);
  if (const auto word = command_word(argc, argv); word && takes_command_after_service(*word)) {
    const int service = service_word_index(argc, argv, command_index(argc, argv));
    if (service < argc) {
      int first = service + 1;
      if (first < argc && std::string(argv[first]) == "--") ++first;
      opt.argv.assign(argv + first, argv + argc);
      own_args.assign(argv, argv + service + 1);
      own_args.erase(std::remove_if(own_args.begin() + 1, own_args.end(),
                                    [](const char* arg) { return std::string(arg) == "--"; }),
                     own_args.end());
    }
  }
  argc = static_cast<int>(own_args.size());
  argv = own_args.data();
  if (const auto word = command_word(argc, argv)) {
    if (std::find(all_commands().begin(), all_commands().end(), *word) == all_commands().end()) {
      const auto hint = command_hint(*word);
      return fail("unknown command '" + *word + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                  "; commands: " + joined(visible_commands(), ", "));
    }
  } else if (!asks_for_help_or_version(argc, argv)) {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const std::string name = arg.substr(0, arg.find('='));
      if (arg.rfind("-", 0) == 0 && !option_words().globals_with_value.count(name) && !option_words().global_flags.count(name))
        return fail("unknown option '" + arg + "' (see boss --help)");
      if (option_words().globals_with_value.count(arg)) ++i;
    }
    return fail("no command given: boss " + joined(visible_commands(), "|") + " (see boss --help)");
  }

  const auto definition = define_command_line();
  CLI::App& app = definition->app;
  const CommandLineApp& texts = *definition;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    parsed.outcome = Parsed::Outcome::exit;
    parsed.exit_code = app.exit(e);
    return parsed;
  } catch (const CLI::ParseError& e) {
    return fail(describe(e));
  }
  const std::vector<std::string> command_argv = std::move(opt.argv);
  opt = definition->options;
  opt.argv = command_argv;
  for (auto* sub : app.get_subcommands()) opt.command = sub->get_name();
  if (opt.verbose && opt.quiet) return fail("-v and -q cannot be used together");
  // Without --dry-run, --json asks for the event stream as JSON.
  if (opt.json && !opt.dry_run && opt.command != "status" && opt.command != "history") {
    if (!opt.progress.empty() && opt.progress != "json")
      return fail("--json and --progress " + opt.progress + " ask for two different outputs");
    opt.progress = "json";
  }
  if (!texts.timeout_text.empty()) opt.timeout = parse_duration(texts.timeout_text);
  if (!texts.stop_timeout_text.empty()) opt.stop_timeout = parse_duration(texts.stop_timeout_text);
  if (!texts.wait_timeout_text.empty()) opt.wait_timeout = *parse_duration(texts.wait_timeout_text);
  if (!texts.memory_budget_text.empty()) opt.memory_budget = parse_byte_size(texts.memory_budget_text);
  for (const auto& text : texts.env_text) {
    const auto assignment = env_assignment(text);
    if (!assignment) return fail("-e: must be KEY=VALUE, got '" + text + "'");
    opt.env[assignment->first] = assignment->second;
  }
  if (opt.command == "exec" && opt.argv.empty())
    return fail("exec: no command given: boss exec " + opt.services.front() + " [--] COMMAND...");
  if (texts.tail_text != "all") {
    char* end = nullptr;
    const long n = std::strtol(texts.tail_text.c_str(), &end, 10);
    if (texts.tail_text.empty() || *end != '\0' || n < 0) return fail("--tail: must be a number of lines or 'all', got '" + texts.tail_text + "'");
    opt.tail = static_cast<int>(n);
  }
  if (opt.command == "proxy") {
    const auto listen = parse_host_binding(opt.listen);
    if (!listen) return fail("--listen: must be ADDR:PORT, [IPv6]:PORT or PORT, got '" + opt.listen + "'");
    for (char& c : opt.domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!is_valid_proxy_domain(opt.domain))
      return fail("--domain: must be a host name such as localhost or apps.example.test, got '" + opt.domain + "'");
  }
  if (!texts.since_text.empty()) {
    const auto since = since_to_unix(texts.since_text, std::chrono::system_clock::now());
    if (!since) return fail("--since: must be a time (2026-12-02T10:00:00Z), a UNIX time or a duration ago (10m), got '" + texts.since_text + "'");
    opt.since = *since;
  }
  parsed.options = std::move(opt);
  return parsed;
}

}  // namespace boss
