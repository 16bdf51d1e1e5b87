#include "cli/cli.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <malloc.h>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/interrupts.h"
#include "platform/project_lock.h"
#include "core/commands.h"
#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/validate.h"
#include "engine/docker_engine.h"
#include "engine/tracing_engine.h"
#include "script/lua_host.h"
#include "ui/console_reporter.h"

namespace boss {
namespace {

struct Options {
  std::string file = "services.lua";
  std::string project;
  bool verbose = false;
  bool quiet = false;
  std::vector<std::string> exclude;
  double start_timeout = 300;
  int stop_timeout = 10;
  bool dry_run = false;
  bool remove = false;
  std::string service;
  std::vector<std::string> targets;
};

// "32768->8080/tcp"; the IPv4 and IPv6 bindings of one port are shown once.
std::string format_ports(const std::vector<PublishedPort>& ports) {
  std::vector<std::string> shown;
  for (const auto& p : ports) {
    const bool any_address = p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::";
    std::string text = (any_address ? "" : p.host_ip + ":") + std::to_string(p.host_port) + "->" +
                       std::to_string(p.container_port) + "/" + p.protocol;
    if (std::find(shown.begin(), shown.end(), text) == shown.end()) shown.push_back(std::move(text));
  }
  std::string out;
  for (const auto& s : shown) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void print_status(const std::vector<StatusRow>& rows) {
  std::size_t w_service = 7, w_state = 5;
  for (const auto& r : rows) {
    w_service = std::max(w_service, r.service.size());
    w_state = std::max(w_state, r.state.size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::string line = a + std::string(w_service - a.size() + 2, ' ') + b + std::string(w_state - b.size() + 2, ' ') +
                       c + std::string(c.size() < 14 ? 14 - c.size() : 1, ' ') + d;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  };
  row("SERVICE", "STATE", "CONTAINER", "PORTS");
  for (const auto& r : rows) row(r.service, r.state, r.container_id, format_ports(r.ports));
}

// Runs `command` on a worker thread while this thread runs the event loop that owns the
// Lua state (hooks post their work to it). Returns the command's exit code.
int run_with_loop(EventLoop& loop, const std::function<int()>& command) {
  std::atomic<bool> done{false};
  int code = 1;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      code = command();
    } catch (...) {
      failure = std::current_exception();
    }
    done = true;
    loop.post([] {});  // wake the loop so it sees `done`
  });
  loop.run_until([&] { return done.load(); });
  worker.join();
  if (failure) std::rethrow_exception(failure);
  return code;
}

int execute(CLI::App& app, Options& opt, CLI::App* start, CLI::App* stop, CLI::App* reload, CLI::App* status) {
  const Verbosity verbosity = opt.verbose ? Verbosity::verbose : opt.quiet ? Verbosity::quiet : Verbosity::normal;
  ConsoleReporter reporter(verbosity);
  std::atomic<bool> cancel{false};
  watch_interrupts(cancel, [&] {
    reporter.warning("interrupted: finishing what is running, starting nothing new (Ctrl-C again to quit at once)");
  });

  const auto file = std::filesystem::absolute(opt.file).lexically_normal();
  ContextStore context(file.parent_path() / ".boss-context");
  EventLoop loop;
  // The engines are declared before the Lua host so they outlive it: a hook abandoned at
  // its deadline may still have a self:exec running on a helper thread.
  DockerEngine docker;
  TracingEngine traced(docker, [&](const std::string& line) { reporter.verbose(line); });
  LuaHost host(loop, context, reporter);
  Project project;
  try {
    // Only start and reload use the context; a damaged file must never keep `stop` or
    // `status` (or `stop --remove`, which deletes it) from working.
    if (*start || *reload) context.load();
    project = host.load(opt.file, opt.project);
    validate_project(project);
  } catch (const DefinitionError& e) {
    std::fprintf(stderr, "boss: %s\n", first_line(e.what()).c_str());
    return 2;
  }
  reporter.set_names(project.names());

  Engine& engine = opt.verbose ? static_cast<Engine&>(traced) : static_cast<Engine&>(docker);
  host.set_engine(&engine);
  StartJournal journal(project.state_file(), project.name);
  Session session{project, engine, host.hooks(), context, reporter, cancel, journal};

  // Bad invocations (unknown --exclude, excluded dependencies) are exit 2 before the
  // engine is even asked.
  try {
    if (*start) select_for_start(project, opt.exclude, opt.targets);
    if (*stop) select_for_stop(project, opt.exclude, opt.targets);
    if (*reload && !project.find(opt.service)) {
      const auto hint = did_you_mean(opt.service, project.names());
      throw DefinitionError("reload: unknown service '" + opt.service + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  } catch (const DefinitionError& e) {
    std::fprintf(stderr, "boss: %s\n", first_line(e.what()).c_str());
    return 2;
  }
  // No separate ping: the first real request reports an unreachable engine in the same
  // words ("cannot reach the docker engine at ..."), one round trip sooner.

  if (*status) {
    journal.load();
    print_status(run_status(session));
    return 0;
  }
  // Commands that change things wait for any other run on this project to finish.
  std::optional<ProjectLock> lock;
  if ((*start && !opt.dry_run) || *stop || *reload)
    lock.emplace(project.name, [&] {
      reporter.warning("another boss run on project '" + project.name + "' is in progress; waiting for it");
    });
  // The run we waited for may have changed the context and the journal: read them again.
  try {
    if (*start || *reload) context.load();
    journal.load();
  } catch (const DefinitionError& e) {
    std::fprintf(stderr, "boss: %s\n", first_line(e.what()).c_str());
    return 2;
  }

  if (*start && opt.dry_run) {
    journal.load();
    std::printf("%s", render_plan(dry_run_start(session, {opt.exclude, opt.start_timeout, opt.targets})).c_str());
    return 0;
  }
  const int code = run_with_loop(loop, [&] {
    CommandResult result;
    if (*start) result = run_start(session, {opt.exclude, opt.start_timeout, opt.targets});
    if (*stop) result = run_stop(session, {opt.exclude, opt.remove, opt.stop_timeout, opt.targets});
    if (*reload) result = run_reload(session, {opt.service, opt.remove, opt.start_timeout, 10});
    const std::string summary = render_summary(result);
    std::fputs(summary.c_str(), stdout);
    std::fflush(stdout);
    return result.exit_code();
  });
  // Everything is reported and saved. Exit now rather than unwind: a hook abandoned at
  // its deadline or on Ctrl-C may still wait on a host command, and nothing is left that
  // needs it.
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace

// Readable range checks (CLI11's own print the whole range of a double).
const CLI::Validator positive_seconds(
    [](std::string& text) {
      try {
        if (std::stod(text) > 0) return std::string();
      } catch (const std::exception&) {
      }
      return "must be a positive number of seconds, got '" + text + "'";
    },
    "SECONDS");
const CLI::Validator whole_seconds(
    [](std::string& text) {
      try {
        std::size_t used = 0;
        if (std::stoi(text, &used) >= 0 && used == text.size()) return std::string();
      } catch (const std::exception&) {
      }
      return "must be a whole number of seconds (0 or more), got '" + text + "'";
    },
    "SECONDS");

int run_cli(int argc, char** argv) {
  // One worker thread per starting service would otherwise get up to 8 malloc arenas per
  // core; boss's allocations are small and brief, so two arenas serve them.
  mallopt(M_ARENA_MAX, 2);
  block_signals();
  CLI::App app{"boss: brings up dependent Docker containers described in services.lua", "boss"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand: `boss start -v`
  app.set_version_flag("--version", "boss " BOSS_VERSION);
  Options opt;
  app.add_option("-f,--file", opt.file, "Services file (default: services.lua)");
  app.add_option("-p,--project", opt.project, "Project name (default: boss.project or the folder's name)");
  app.add_flag("-v,--verbose", opt.verbose, "Show engine calls and Lua tracebacks");
  app.add_flag("-q,--quiet", opt.quiet, "Only errors and the summary");

  auto* start = app.add_subcommand("start", "Start services (default: all), dependencies first");
  start->add_option("services", opt.targets, "Only these services and what they depend on");
  start->add_option("--exclude", opt.exclude, "Do not start this service (repeatable)");
  start->add_option("--timeout", opt.start_timeout, "Seconds a service may take to answer ping (default 300)")
      ->check(positive_seconds);
  start->add_flag("--dry-run", opt.dry_run, "Print what would be done, touch nothing");

  auto* stop = app.add_subcommand("stop", "Stop services (default: all), dependents first");
  stop->add_option("services", opt.targets, "Only these services and what depends on them");
  stop->add_option("--exclude", opt.exclude, "Do not stop this service (repeatable)");
  stop->add_flag("--remove", opt.remove, "Also remove containers, the network and .boss-context");
  stop->add_option("--timeout", opt.stop_timeout, "Seconds to wait before killing (default 10)")
      ->check(whole_seconds);

  auto* reload = app.add_subcommand("reload", "Rebuild a service and restart it with its dependents");
  reload->add_option("service", opt.service, "The service to reload")->required();
  reload->add_flag("--remove", opt.remove, "Remove the stopped dependents' containers too");
  reload->add_option("--timeout", opt.start_timeout, "Seconds a service may take to answer ping (default 300)")
      ->check(positive_seconds);

  auto* status = app.add_subcommand("status", "Show each service's container, state and ports");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other error; --help shows the usage.
    std::fprintf(stderr, "boss: %s (see boss --help)\n", e.what());
    return 2;
  }
  if (opt.verbose && opt.quiet) {
    std::fprintf(stderr, "boss: -v and -q cannot be used together\n");
    return 2;
  }
  try {
    return execute(app, opt, start, stop, reload, status);
  } catch (const DefinitionError& e) {
    std::fprintf(stderr, "boss: %s\n", first_line(e.what()).c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "boss: %s\n", first_line(e.what()).c_str());
    return 1;
  }
}

}  // namespace boss
