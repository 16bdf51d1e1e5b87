#include "cli/command_line.h"

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <set>

#include <CLI/CLI.hpp>

#include "core/host_binding.h"
#include "core/time_text.h"
#include "core/validate.h"
#include "proxy/route.h"

namespace boss {
namespace {

const std::vector<std::string> kCommands = {"start", "stop", "reload", "restart", "status", "logs",
                                             "exec",  "run",  "down",   "prune",   "push",   "convert", "proxy"};
// Global options that take a value, so the scan for the command word skips the value.
const std::set<std::string> kGlobalsWithValue = {"-f",         "--file",     "-p",        "--project", "--progress",
                                                  "--env-file", "--profile", "-H",        "--host",    "--context"};
const std::set<std::string> kGlobalFlags = {"-v", "--verbose", "-q", "--quiet"};
// Options of exec and run that take a value (in the same word after '=' or not).
const std::set<std::string> kAttachWithValue = {"--instance", "-e", "--env"};

// The index of the first word that is neither an option nor an option's value: the
// command. Lets boss say "unknown command 'stat'" instead of CLI11's "A subcommand is
// required". argc when there is none.
int command_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return argc;
    if (arg.rfind("-", 0) == 0) {
      if (kGlobalsWithValue.count(arg)) ++i;
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

bool is_attach_command(const std::string& word) { return word == "exec" || word == "run"; }

// -e KEY=VALUE, as a pair; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> env_assignment(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

// A command the word abbreviates ("stat" -> "status"), else the closest by spelling.
std::string command_hint(const std::string& word) {
  std::vector<std::string> prefixed;
  for (const auto& c : kCommands)
    if (c.rfind(word, 0) == 0) prefixed.push_back(c);
  if (prefixed.size() == 1) return prefixed.front();
  return did_you_mean(word, kCommands);
}

bool asks_for_help_or_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help" || arg == "--version") return true;
  }
  return false;
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

// --timeout takes fractions and units everywhere ("1.5", "500ms", "2m").
CLI::Validator duration(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) {
        const auto seconds = parse_duration(text);
        if (seconds && (*seconds > 0 || (allow_zero && *seconds == 0))) return std::string();
        return "must be a " + std::string(allow_zero ? "" : "positive ") +
               "duration such as 30, 1.5 or 2m, got '" + text + "'";
      },
      "DURATION");
}

}  // namespace

int service_word_index(int argc, char** argv, int command) {
  for (int i = command + 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return i + 1 < argc ? i + 1 : argc;
    if (arg.rfind("-", 0) == 0) {
      if (kGlobalsWithValue.count(arg) || kAttachWithValue.count(arg)) ++i;
      continue;
    }
    return i;
  }
  return argc;
}

Parsed parse_command_line(int argc, char** argv) {
  Parsed parsed;
  Options& opt = parsed.options;
  // exec and run: what follows the service is the command, whatever it looks like.
  std::vector<char*> own_args(argv, argv + argc);
  if (const auto word = command_word(argc, argv); word && is_attach_command(*word)) {
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
    if (std::find(kCommands.begin(), kCommands.end(), *word) == kCommands.end()) {
      const auto hint = command_hint(*word);
      return fail("unknown command '" + *word + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                  "; commands: start, stop, reload, restart, status, logs, exec, run, down, prune, push, convert, proxy");
    }
  } else if (!asks_for_help_or_version(argc, argv)) {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const std::string name = arg.substr(0, arg.find('='));
      if (arg.rfind("-", 0) == 0 && !kGlobalsWithValue.count(name) && !kGlobalFlags.count(name))
        return fail("unknown option '" + arg + "' (see boss --help)");
      if (kGlobalsWithValue.count(arg)) ++i;
    }
    return fail("no command given: boss start|stop|reload|restart|status|logs|exec|run|down|prune|push|convert|proxy (see boss --help)");
  }

  CLI::App app{"boss: brings up dependent Docker containers described in services.lua", "boss"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command: `boss start -v`
  app.set_version_flag("--version", "boss " BOSS_VERSION);
  app.add_option("-f,--file", opt.file,
                 "Services file: services.lua or a compose file (default: the first of services.lua, compose.yaml, "
                 "compose.yml, docker-compose.yaml, docker-compose.yml)");
  app.add_option("-p,--project", opt.project, "Project name (default: boss.project or the folder's name)");
  app.add_option("-H,--host", opt.host,
                 "The engine: unix:///path, tcp://host[:port] or ssh://[user@]host[:port] (default: $DOCKER_HOST, "
                 "else the docker context)");
  app.add_option("--context", opt.context, "The docker context whose engine to use (default: $DOCKER_CONTEXT, "
                                           "else config.json's currentContext)");
  app.add_flag("-v,--verbose", opt.verbose, "Also show engine calls and Lua tracebacks");
  app.add_flag("-q,--quiet", opt.quiet, "Only errors and the summary (same as --progress quiet)");
  app.add_option("--progress", opt.progress, "How to show progress: auto, tty, plain, json, quiet (default: $BOSS_PROGRESS, else auto)")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json", "quiet"}));

  std::string timeout_text, stop_timeout_text, tail_text = "all", since_text;
  auto one_per_flag = [](CLI::Option* option) {
    // `--exclude a b` excludes a, and b is a service again: one name per flag.
    return option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
  };
  one_per_flag(app.add_option("--env-file", opt.env_files,
                              "Read variables for boss.env() from this file (repeatable; later files win; "
                              "default: .env beside services.lua)"));
  one_per_flag(app.add_option("--profile", opt.profiles,
                              "Also start the services of this profile (repeatable; default: $BOSS_PROFILES)"));

  const std::string parallel_help = "Container calls in flight against the engine at most (default 8)";
  auto plan_flags = [&](CLI::App* command) {
    command->add_flag("--dry-run", opt.dry_run, "Print what would be done, touch nothing");
    command->add_flag("--json", opt.json, "With --dry-run: the plan as JSON; else the same as --progress json");
  };
  auto stop_flags = [&](CLI::App* command) {
    command->add_option("--timeout", timeout_text, "Grace before a container is killed (default: each service's stop_timeout, else 10 s)")
        ->check(duration(true));
    command->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  };

  auto* start = app.add_subcommand("start", "Start services (default: all), dependencies first");
  start->add_option("services", opt.services, "Only these services and what they depend on");
  one_per_flag(start->add_option("--exclude", opt.exclude, "Do not start this service (repeatable)"));
  start->add_option("--timeout", timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  start->add_flag("--remove-orphans", opt.remove_orphans, "Remove containers of services no longer defined");
  start->add_flag("--build", opt.build, "Rebuild the images of services with build_from_directory first");
  start->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  plan_flags(start);

  auto* stop = app.add_subcommand("stop", "Stop services (default: all), dependents first");
  stop->add_option("services", opt.services, "Only these services and what depends on them");
  one_per_flag(stop->add_option("--exclude", opt.exclude, "Do not stop this service (repeatable)"));
  stop->add_flag("--remove", opt.remove, "Also remove the containers, and with all services the network and saved state");
  stop_flags(stop);
  plan_flags(stop);

  auto* reload = app.add_subcommand("reload", "Rebuild services and restart them with their dependents");
  reload->add_option("services", opt.services, "The services to reload")->required();
  reload->add_flag("--remove", opt.remove, "Remove the stopped dependents' containers too");
  reload->add_option("--timeout", timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  reload->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));

  auto* restart = app.add_subcommand("restart", "Restart running services (default: all), dependencies first");
  restart->add_option("services", opt.services, "Only these services");
  restart->add_option("--timeout", timeout_text, "How long each service may take to become ready again (default 300 s)")
      ->check(duration(false));
  restart->add_option("--stop-timeout", stop_timeout_text,
                      "Grace before a container is killed (default: each service's stop_timeout, else 10 s)")
      ->check(duration(true));
  restart->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));

  auto* status = app.add_subcommand("status", "Show each service's containers, state and ports");
  status->add_flag("--json", opt.json, "The report as one JSON document");

  auto* logs = app.add_subcommand("logs", "Show the services' output");
  logs->add_option("services", opt.services, "Only these services");
  logs->add_flag("-f,--follow", opt.follow, "Keep following new output (Ctrl-C ends)");
  logs->add_option("--tail", tail_text, "Lines to show from the end of each log: a number or 'all' (default all)");
  logs->add_option("--since", since_text, "Only output since a time: RFC 3339, UNIX time, or a duration ago (10m)");
  logs->add_flag("-t,--timestamps", opt.timestamps, "Show the engine's timestamp of each line");
  logs->add_flag("--no-color", opt.no_color, "No colours");

  std::vector<std::string> env_text;
  auto* exec = app.add_subcommand("exec", "Run a command in a service's running container");
  exec->add_option("service", opt.services, "The service")->required()->expected(1);
  exec->add_option("--instance", opt.instance, "Which of the service's containers (default 1)")
      ->check(CLI::Range(1, 1000000));
  exec->add_flag("-T,--no-tty", opt.no_tty, "No TTY, plain streams, even on a terminal");
  exec->footer("Everything after SERVICE (or after --) is the command: boss exec db psql -U app");

  auto* run = app.add_subcommand("run", "Run a one-off container of a service, then remove it");
  run->add_option("service", opt.services, "The service whose definition is used")->required()->expected(1);
  run->add_flag("--no-deps", opt.no_deps, "Do not start the service's dependencies first");
  run->add_flag("--keep", opt.keep, "Keep the container when it is done");
  run->add_flag("--publish", opt.publish, "Publish the service's ports");
  one_per_flag(run->add_option("-e,--env", env_text, "KEY=VALUE added to the environment (repeatable)"));
  run->add_flag("-T,--no-tty", opt.no_tty, "No TTY, plain streams, even on a terminal");
  run->footer("Everything after SERVICE (or after --) is the command, instead of the service's cmd");

  auto* down = app.add_subcommand("down", "Stop and remove all containers, orphans and the project network");
  down->add_flag("--volumes", opt.volumes, "Also remove the project's named volumes");
  stop_flags(down);
  plan_flags(down);

  auto* prune = app.add_subcommand("prune", "Remove the project's exited containers of services no longer defined");
  prune->add_flag("--images", opt.images, "Also the images boss built for the project that no container uses");
  prune->add_flag("--volumes", opt.volumes, "Also the project's named volumes that no container uses");
  plan_flags(prune);

  auto* push = app.add_subcommand("push", "Push the images boss builds to their registries (building them if missing)");
  push->add_option("services", opt.services, "Only these services (default: every service built from a directory)");
  push->add_flag("--json", opt.json, "The same as --progress json");

  auto* convert = app.add_subcommand("convert", "Print a compose file as an equivalent services.lua");
  convert->add_option("file", opt.convert_file, "The compose file (default: -f, else compose.yaml, compose.yml, ...)");

  auto* proxy = app.add_subcommand("proxy", "Serve the services with an http field over HTTP, by path and host name, until Ctrl-C");
  proxy->add_option("--listen", opt.listen, "Address to listen on: ADDR:PORT, [IPv6]:PORT, or PORT on 127.0.0.1; port 0 = any free one (default 127.0.0.1:8000)");
  proxy->add_option("--domain", opt.domain, "Also answer <service>.DOMAIN (default: localhost; <service>.localhost always works)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    parsed.outcome = Parsed::Outcome::exit;
    parsed.exit_code = app.exit(e);
    return parsed;
  } catch (const CLI::ParseError& e) {
    return fail(describe(e));
  }
  for (auto* sub : app.get_subcommands()) opt.command = sub->get_name();
  if (opt.verbose && opt.quiet) return fail("-v and -q cannot be used together");
  // Without --dry-run, --json asks for the event stream as JSON.
  if (opt.json && !opt.dry_run && opt.command != "status") {
    if (!opt.progress.empty() && opt.progress != "json")
      return fail("--json and --progress " + opt.progress + " ask for two different outputs");
    opt.progress = "json";
  }
  if (!timeout_text.empty()) opt.timeout = parse_duration(timeout_text);
  if (!stop_timeout_text.empty()) opt.stop_timeout = parse_duration(stop_timeout_text);
  for (const auto& text : env_text) {
    const auto assignment = env_assignment(text);
    if (!assignment) return fail("-e: must be KEY=VALUE, got '" + text + "'");
    opt.env[assignment->first] = assignment->second;
  }
  if (opt.command == "exec" && opt.argv.empty())
    return fail("exec: no command given: boss exec " + opt.services.front() + " [--] COMMAND...");
  if (tail_text != "all") {
    char* end = nullptr;
    const long n = std::strtol(tail_text.c_str(), &end, 10);
    if (tail_text.empty() || *end != '\0' || n < 0) return fail("--tail: must be a number of lines or 'all', got '" + tail_text + "'");
    opt.tail = static_cast<int>(n);
  }
  if (opt.command == "proxy") {
    const auto listen = parse_host_binding(opt.listen);
    if (!listen) return fail("--listen: must be ADDR:PORT, [IPv6]:PORT or PORT, got '" + opt.listen + "'");
    for (char& c : opt.domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!is_valid_proxy_domain(opt.domain))
      return fail("--domain: must be a host name such as localhost or apps.example.test, got '" + opt.domain + "'");
  }
  if (!since_text.empty()) {
    const auto since = since_to_unix(since_text, std::chrono::system_clock::now());
    if (!since) return fail("--since: must be a time (2026-12-02T10:00:00Z), a UNIX time or a duration ago (10m), got '" + since_text + "'");
    opt.since = *since;
  }
  return parsed;
}

}  // namespace boss
