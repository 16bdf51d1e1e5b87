#include "cli/command_line_app.h"

#include "cli/version.h"
#include "core/byte_size.h"
#include "core/time_text.h"

namespace boss {
namespace {

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

// --memory-budget: "2g", "512m", or bytes.
CLI::Validator byte_size() {
  return CLI::Validator(
      [](std::string& text) {
        if (parse_byte_size(text)) return std::string();
        return "must be a size such as 512m or 2g, got '" + text + "'";
      },
      "SIZE");
}

// `--exclude a b` excludes a, and b is a service again: one value per flag.
CLI::Option* one_per_flag(CLI::Option* option) {
  return option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
}

// A command's help ends with examples ("Examples:" and one indented line each).
void examples(CLI::App* command, const std::vector<std::string>& lines) {
  std::string text = "Examples:";
  for (const auto& line : lines) text += "\n  " + line;
  command->footer(text);
}

}  // namespace

const std::vector<std::string>& visible_commands() {
  static const std::vector<std::string> commands = {"start", "run-jobs", "serve",   "stop",   "reload",  "watch",
                                                    "restart", "status", "history", "logs",   "exec",    "run",
                                                    "down",  "prune",    "push",    "deploy", "convert", "proxy",
                                                    "launch", "init", "completion"};
  return commands;
}

const std::vector<std::string>& all_commands() {
  static const std::vector<std::string> commands = [] {
    auto all = visible_commands();
    all.push_back("__complete");
    return all;
  }();
  return commands;
}

bool takes_command_after_service(const std::string& command) { return command == "exec" || command == "run"; }

std::unique_ptr<CommandLineApp> define_command_line() {
  auto made = std::make_unique<CommandLineApp>();
  CLI::App& app = made->app;
  Options& opt = made->options;
  CommandLineApp& texts = *made;

  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command: `boss start -v`
  app.set_version_flag("--version", version_text());
  examples(&app, {"boss start              # every service, dependencies first",
                  "boss start web --build  # web and what it needs, rebuilding images",
                  "boss -f compose.yaml status", "boss <command> --help  # a command's options",
                  "man boss               # the manual"});
  app.add_option("-f,--file", opt.file,
                 "Services file: services.lua, a compose file or a copili pipeline (.yaml, .yml, .json) (default: the first of services.lua, compose.yaml, "
                 "compose.yml, docker-compose.yaml, docker-compose.yml)")
      ->type_name("FILE");
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
  one_per_flag(app.add_option("--env-file", opt.env_files,
                              "Read variables for boss.env() from this file (repeatable; later files win; "
                              "default: .env beside services.lua)"))
      ->type_name("FILE");
  one_per_flag(app.add_option("--profile", opt.profiles,
                              "Also start the services of this profile (repeatable; default: $BOSS_PROFILES)"));

  const std::string parallel_help =
      "Container calls in flight against each engine at most (default 8), and job runs at once at most (default: no bound)";
  const std::string keep_runs_help = "Keep the logs of each job's newest N runs, removing older ones (default: all)";
  auto plan_flags = [&](CLI::App* command) {
    command->add_flag("--dry-run", opt.dry_run, "Print what would be done, touch nothing");
    command->add_flag("--json", opt.json, "With --dry-run: the plan as JSON; else the same as --progress json");
  };
  auto stop_flags = [&](CLI::App* command) {
    command->add_option("--timeout", texts.timeout_text, "Grace before a container is killed (default: each service's stop_timeout, else 10 s)")
        ->check(duration(true));
    command->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  };
  auto services = [&](CLI::App* command, const std::string& help) {
    return command->add_option("services", opt.services, help)->type_name("SERVICE");
  };
  auto exclude = [&](CLI::App* command, const std::string& help) {
    one_per_flag(command->add_option("--exclude", opt.exclude, help))->type_name("SERVICE");
  };

  auto* start = app.add_subcommand("start", "Start services (default: all), dependencies first");
  services(start, "Only these services and what they depend on");
  exclude(start, "Do not start this service (repeatable)");
  start->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  start->add_flag("--remove-orphans", opt.remove_orphans, "Remove containers of services no longer defined");
  start->add_flag("--build", opt.build, "Rebuild the images of services with build_from_directory first");
  start->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  start->add_option("--keep-runs", opt.keep_runs, keep_runs_help)->check(CLI::Range(1, 1000000));
  plan_flags(start);
  examples(start, {"boss start", "boss start web --build", "boss start --exclude worker --timeout 2m",
                   "boss start --dry-run"});

  auto* run_jobs = app.add_subcommand("run-jobs", "Run jobs anew (default: all), even those done, starting what they need");
  services(run_jobs, "Only these jobs; their dependencies are started as start would");
  run_jobs->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  run_jobs->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  run_jobs->add_option("--keep-runs", opt.keep_runs, keep_runs_help)->check(CLI::Range(1, 1000000));
  plan_flags(run_jobs);
  examples(run_jobs, {"boss run-jobs", "boss run-jobs migrate seed", "boss run-jobs --dry-run"});

  auto* serve = app.add_subcommand(
      "serve", "Start the services, then run each scheduled job (schedule, every) on time, in the foreground");
  serve->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  serve->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  serve->add_option("--keep-runs", opt.keep_runs, keep_runs_help)->check(CLI::Range(1, 1000000));
  examples(serve, {"boss serve", "boss serve --progress json", "TZ=Europe/Berlin boss serve --keep-runs 100"});

  auto* stop = app.add_subcommand("stop", "Stop services (default: all), dependents first");
  services(stop, "Only these services and what depends on them");
  exclude(stop, "Do not stop this service (repeatable)");
  stop->add_flag("--remove", opt.remove, "Also remove the containers, and with all services the network and saved state");
  stop_flags(stop);
  plan_flags(stop);
  examples(stop, {"boss stop", "boss stop db --timeout 30", "boss stop --remove"});

  auto* reload = app.add_subcommand("reload", "Rebuild services and restart them with their dependents");
  services(reload, "The services to reload")->required();
  reload->add_flag("--remove", opt.remove, "Remove the stopped dependents' containers too");
  reload->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  reload->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  examples(reload, {"boss reload api", "boss reload api worker --timeout 1m"});

  auto* watch = app.add_subcommand("watch", "Start services, then rebuild, replace or sync them as their files are saved");
  services(watch, "Only these services and what they depend on");
  exclude(watch, "Do not start or watch this service (repeatable)");
  watch->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready (default 300 s)")
      ->check(duration(false));
  watch->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  examples(watch, {"boss watch", "boss watch api --exclude worker"});

  auto* restart = app.add_subcommand("restart", "Restart running services (default: all), dependencies first");
  services(restart, "Only these services");
  restart->add_option("--timeout", texts.timeout_text, "How long each service may take to become ready again (default 300 s)")
      ->check(duration(false));
  restart->add_option("--stop-timeout", texts.stop_timeout_text,
                      "Grace before a container is killed (default: each service's stop_timeout, else 10 s)")
      ->check(duration(true));
  restart->add_option("--parallel", opt.parallel, parallel_help)->check(CLI::Range(1, 1000));
  examples(restart, {"boss restart", "boss restart web --stop-timeout 5"});

  auto* status = app.add_subcommand("status", "Show each service's containers, state and ports");
  status->add_flag("--json", opt.json, "The report as one JSON document");
  examples(status, {"boss status", "boss status --json | jq '.services[].state'"});

  auto* history = app.add_subcommand("history", "List the recorded runs of jobs (default: all), oldest first");
  services(history, "Only these jobs");
  history->add_flag("--json", opt.json, "The runs as one JSON document");
  examples(history, {"boss history", "boss history migrate --json | jq '.runs[-1].log_file'"});

  auto* logs = app.add_subcommand("logs", "Show the services' output");
  services(logs, "Only these services");
  logs->add_flag("-f,--follow", opt.follow, "Keep following new output (Ctrl-C ends)");
  logs->add_option("--tail", texts.tail_text, "Lines to show from the end of each log: a number or 'all' (default all)");
  logs->add_option("--since", texts.since_text, "Only output since a time: RFC 3339, UNIX time, or a duration ago (10m)");
  logs->add_flag("-t,--timestamps", opt.timestamps, "Show the engine's timestamp of each line");
  logs->add_flag("--no-color", opt.no_color, "No colours");
  examples(logs, {"boss logs", "boss logs -f web db", "boss logs --tail 50 --since 10m -t api"});

  auto* exec = app.add_subcommand("exec", "Run a command in a service's running container");
  exec->add_option("service", opt.services, "The service")->required()->expected(1)->type_name("SERVICE");
  exec->add_option("--instance", opt.instance, "Which of the service's containers (default 1)")
      ->check(CLI::Range(1, 1000000));
  exec->add_flag("-T,--no-tty", opt.no_tty, "No TTY, plain streams, even on a terminal");
  examples(exec, {"Everything after SERVICE (or after --) is the command:", "boss exec db psql -U app",
                  "boss exec -T --instance 2 worker -- ls -l /data"});

  auto* run = app.add_subcommand("run", "Run a one-off container of a service, then remove it");
  run->add_option("service", opt.services, "The service whose definition is used")->required()->expected(1)->type_name("SERVICE");
  run->add_flag("--no-deps", opt.no_deps, "Do not start the service's dependencies first");
  run->add_flag("--keep", opt.keep, "Keep the container when it is done");
  run->add_flag("--publish", opt.publish, "Publish the service's ports");
  one_per_flag(run->add_option("-e,--env", texts.env_text, "KEY=VALUE added to the environment (repeatable)"));
  run->add_flag("-T,--no-tty", opt.no_tty, "No TTY, plain streams, even on a terminal");
  examples(run, {"Everything after SERVICE (or after --) is the command, instead of the service's cmd:",
                 "boss run api ./manage.py migrate", "boss run --no-deps -e DEBUG=1 -T worker -- sh -c 'env'"});

  auto* down = app.add_subcommand("down", "Stop and remove all containers, orphans and the project network");
  down->add_flag("--volumes", opt.volumes, "Also remove the project's named volumes");
  stop_flags(down);
  plan_flags(down);
  examples(down, {"boss down", "boss down --volumes --timeout 5"});

  auto* prune = app.add_subcommand("prune", "Remove the project's exited containers of services no longer defined");
  prune->add_flag("--images", opt.images, "Also the images boss built for the project that no container uses");
  prune->add_flag("--volumes", opt.volumes, "Also the project's named volumes that no container uses");
  plan_flags(prune);
  examples(prune, {"boss prune", "boss prune --images --volumes --dry-run"});

  auto* push = app.add_subcommand("push", "Push the images boss builds to their registries (building them if missing)");
  services(push, "Only these services (default: every service built from a directory)");
  push->add_flag("--json", opt.json, "The same as --progress json");
  examples(push, {"boss push", "boss push api"});

  auto* deploy = app.add_subcommand("deploy", "Run the services as Docker Swarm services on the engine, a swarm manager, in dependency order");
  deploy->add_flag("--remove", opt.remove, "Remove the project's swarm services and its overlay network instead");
  deploy->add_flag("--status", opt.deploy_status, "Show the project's swarm services and their tasks per node instead");
  deploy->add_option("--timeout", texts.timeout_text, "How long each service's tasks may take to become ready (default 300 s)")
      ->check(duration(false));
  deploy->add_flag("--json", opt.json, "With --status: the report as JSON; else the same as --progress json");
  examples(deploy, {"boss -H tcp://manager:2376 deploy", "boss deploy --status", "boss deploy --remove"});

  auto* convert = app.add_subcommand("convert", "Print a compose file as an equivalent services.lua");
  convert->add_option("file", opt.convert_file, "The compose file or copili pipeline (default: -f, else compose.yaml, compose.yml, ...)")
      ->type_name("FILE");
  examples(convert, {"boss convert compose.yaml > services.lua", "boss -f docker-compose.yml convert"});

  auto* proxy = app.add_subcommand("proxy", "Serve the services with an http field over HTTP, by path and host name, until Ctrl-C");
  proxy->add_option("--listen", opt.listen, "Address to listen on: ADDR:PORT, [IPv6]:PORT, or PORT on 127.0.0.1; port 0 = any free one (default 127.0.0.1:8000)");
  proxy->add_option("--domain", opt.domain, "Also answer <service>.DOMAIN (default: localhost; <service>.localhost always works)");
  proxy->add_option("--wait-timeout", texts.wait_timeout_text,
                    "How long a request (not a browser's) waits for an on_demand service to start (default 60 s)")
      ->check(duration(false));
  proxy->add_option("--timeout", texts.timeout_text, "How long each on_demand service may take to become ready (default 300 s)")
      ->check(duration(false));
  proxy->add_option("--memory-budget", texts.memory_budget_text,
                    "Most mem_limit the running on_demand services may sum to; the least recently used idle ones are "
                    "stopped to make room, else 503 (each on_demand service needs a mem_limit)")
      ->check(byte_size());
  proxy->add_option("--admin-token", opt.admin_token,
                    "Open /_boss/ to any peer that sends Authorization: Bearer TOKEN, and only to those "
                    "(default: $BOSS_ADMIN_TOKEN; without either, /_boss/ answers loopback peers only)")
      ->type_name("TOKEN");
  examples(proxy, {"boss proxy                      # http://web.localhost:8000/", "boss proxy --listen 0.0.0.0:8080 --domain apps.example.test"});

  auto* launch = app.add_subcommand("launch", "Launch a container of a template (kind = \"template\") and print its name");
  launch->add_option("template", opt.services, "The template")->required()->expected(1)->type_name("TEMPLATE");
  launch->add_option("--name", opt.launch_name, "The launch's id: <template>-<id> names it (default: six random hex digits)")
      ->type_name("ID");
  launch->add_option("--input", opt.launch_input, "Its input: a JSON file, or - for stdin (default: none)")->type_name("FILE");
  launch->add_option("--timeout", texts.timeout_text, "How long it (and each dependency) may take to become ready (default 300 s)")
      ->check(duration(false));
  examples(launch, {"boss launch viz --name run7 --input run7.json", "echo '{\"n\": 3}' | boss launch viz --input -"});

  auto* init = app.add_subcommand("init", "Write a starter services.lua and a .luarc.json for editors (never over existing files)");
  examples(init, {"boss init && boss start", "boss -f app/services.lua init   # in another folder"});

  auto* completion = app.add_subcommand("completion", "Print the completion script of a shell: bash, zsh or fish");
  completion->add_option("shell", opt.shell, "The shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  examples(completion, {"source <(boss completion bash)      # in ~/.bashrc",
                        "boss completion zsh > ~/.zfunc/_boss  # a folder in $fpath",
                        "boss completion fish > ~/.config/fish/completions/boss.fish"});

  // What completion scripts ask boss at completion time; not for people (no group: hidden).
  auto* complete = app.add_subcommand("__complete", "Print completion candidates: services");
  complete->group("");
  complete->add_option("what", opt.complete_what, "What to list")->required()->check(CLI::IsMember({"services"}));
  return made;
}

}  // namespace boss
