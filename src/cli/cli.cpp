#include "cli/cli.h"

#include <malloc.h>
#include <unistd.h>

#include <mutex>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>

#include "cli/attach_commands.h"
#include "cli/command_line.h"
#include "cli/command_line_app.h"
#include "cli/completion_model.h"
#include "cli/completion_scripts.h"
#include "cli/init_command.h"
#include "cli/interrupts.h"
#include "cli/project_engines.h"
#include "cli/launch_command.h"
#include "cli/proxy_command.h"
#include "cli/services_file.h"
#include "cli/watch_command.h"
#include "compose/compose_reader.h"
#include "copili/pipeline_reader.h"
#include "core/env_file.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/project_from_labels.h"
#include "core/project_secrets.h"
#include "core/redacting_sink.h"
#include "core/run_log.h"
#include "core/secrets.h"
#include "core/runtime.h"
#include "core/schedule.h"
#include "core/serve.h"
#include "core/tee_sink.h"
#include "core/validate.h"
#include "engine/docker_engine.h"
#include "engine/endpoint_resolution.h"
#include "engine/tracing_engine.h"
#include "platform/docker_contexts.h"
#include "platform/docker_credentials.h"
#include "platform/project_lock.h"
#include "script/lua_host.h"
#include "script/services_writer.h"
#include "ui/history_view.h"
#include "ui/json_fields.h"
#include "ui/log_printer.h"
#include "ui/plan_view.h"
#include "ui/progress_mode.h"
#include "ui/renderer.h"
#include "ui/deploy_status_view.h"
#include "ui/status_view.h"

namespace boss {
namespace {

// The process's one error line; a secret in it (a hook's error quoting one) is masked.
int error_line(const SecretRedactor& secrets, const std::string& text, int code) {
  std::fprintf(stderr, "boss: %s\n", secrets.redact(first_line(text)).c_str());
  return code;
}

// Runs `command` on a worker thread while this thread runs the event loop that owns the
// Lua state (hooks post their work to it). Returns the command's exit code; an exception
// of the command is rethrown here.
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

// status, stop, logs, exec and down keep working from the engine's labels when services.lua is
// missing or broken: what runs must always be stoppable.
bool works_without_file(const Options& opt) {
  return opt.command == "status" || opt.command == "stop" || opt.command == "logs" || opt.command == "exec" ||
         opt.command == "down";
}

// --profile, else $BOSS_PROFILES ("a,b"; blanks around names are dropped), else for a
// compose file COMPOSE_PROFILES (from the shell or .env).
ProfileChoice profile_choice(const Options& opt, const std::optional<std::string>& compose_profiles) {
  ProfileChoice choice;
  if (!opt.profiles.empty()) {
    choice.active = opt.profiles;
    return choice;
  }
  choice.source = "BOSS_PROFILES";
  const char* env = std::getenv("BOSS_PROFILES");
  if (!env && compose_profiles) {
    choice.source = "COMPOSE_PROFILES";
    env = compose_profiles->c_str();
  }
  std::string text = env ? env : "";
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string name = text.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty()) choice.active.push_back(name);
    start = comma + 1;
  }
  return choice;
}

// --env-file FILE... (each must exist), else .env beside the services file when there is one.
std::map<std::string, std::string> env_file_values(const Options& opt, const std::string& services_file) {
  std::vector<std::string> files = opt.env_files;
  if (files.empty()) {
    const auto beside = std::filesystem::path(services_file).parent_path() / ".env";
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) files.push_back(beside.string());
  }
  return read_env_files(files, process_env);
}

// What exec and run need beyond the Runtime.
struct Attachments {
  const SecretRedactor& secrets;
  Engine& engine;
  ContextStore& context;
  EventSink& events;
  std::function<void()> end_progress;
  const Cancel& cancel;
  TeeSink& runtime_events;  // what the Runtime emits: the renderer's, and the proxy's starter's
  Cancel* serve_runs;       // boss serve: the Runtime's Cancel, requested once its runs are to stop
};

// Documents (plans, status) are JSON with --json or --progress json.
bool wants_json(const Options& opt, const ProgressRequest& progress) {
  return opt.json || choose_progress(progress).mode == ProgressMode::json;
}

// Documents boss prints itself (plans, status) go through the redactor too: they hold
// names and digests of secrets only, and this keeps it so whatever a reason quotes.
int print_document(const SecretRedactor& secrets, const std::string& text) {
  std::fputs(secrets.redact(text).c_str(), stdout);
  return 0;
}

// A compose file read into a Project, its warnings shown through `sink`.
Project load_compose(const Options& opt, const std::string& file, EventSink& sink,
                     std::optional<std::string>& compose_profiles) {
  ComposeInput input;
  input.project_override = opt.project;
  input.environment = process_env;
  input.dotenv = env_file_values(opt, file);
  ComposeProject read = read_compose_file(file, input);
  for (const auto& warning : read.warnings) sink.emit_now(WarningEvent{warning});
  compose_profiles = read.profiles;
  return std::move(read.project);
}

// A copili pipeline file read into a Project.
PipelineProject load_pipeline(const Options& opt, const std::string& file) {
  PipelineInput input;
  input.project_override = opt.project;
  input.environment = process_env;
  input.dotenv = env_file_values(opt, file);
  return read_pipeline_file(file, input);
}

// What a converted pipeline's services.lua says above each service container.
ServiceNotes pipeline_notes(const PipelineProject& read) {
  ServiceNotes notes;
  for (const auto& name : read.service_containers)
    notes[name] = {"copili: is_service_container: a scheduled job, run by `boss serve` (copili's service mode);",
                   "`boss start` of all services leaves it out, `boss run-jobs` runs it now."};
  return notes;
}

// boss convert [FILE]: the compose file or copili pipeline as services.lua on stdout,
// warnings on stderr.
int convert_command(const Options& opt, const SecretRedactor& secrets) {
  const std::string file = !opt.convert_file.empty() ? opt.convert_file : services_file(opt.file, ".");
  const std::string source = std::filesystem::path(file).filename().string();
  if (is_pipeline_file(file)) {
    const PipelineProject read = load_pipeline(opt, file);
    validate_project(read.project);
    std::fputs(write_services_lua(read.project, source, {pipeline_notes(read), read.password_variables}).c_str(), stdout);
    return 0;
  }
  if (!is_compose_file(file))
    return error_line(secrets, "convert: '" + file + "' is not a compose file (.yaml or .yml) nor a copili pipeline (.yaml, .yml or .json); boss convert compose.yaml", 2);
  struct Warnings : EventSink {
    void emit(const Event& event) override {
      if (const auto* warning = std::get_if<WarningEvent>(&event.body))
        std::fprintf(stderr, "boss: warning: %s\n", warning->text.c_str());
    }
  } warnings;
  std::optional<std::string> profiles;
  Project project = load_compose(opt, file, warnings, profiles);
  validate_project(project);
  std::fputs(write_services_lua(project, source).c_str(), stdout);
  return 0;
}

// The services file read into a validated Project (a services.lua through `host`).
Project read_project(const Options& opt, const std::string& services, LuaHost& host, EventSink& sink,
                     std::optional<std::string>& compose_profiles) {
  Project project;
  if (is_pipeline_file(services)) {
    project = load_pipeline(opt, services).project;
  } else if (is_compose_file(services)) {
    project = load_compose(opt, services, sink, compose_profiles);
  } else {
    host.set_env_files(env_file_values(opt, services));
    project = host.load(services, opt.project);
  }
  validate_project(project);
  return project;
}

// boss watch's check of an edited services file, on its operation thread: read with a
// Lua state of its own that runs no hook (its loop never runs), then dropped.
void check_services_file(const Options& opt, const std::string& services, EventSink& sink) {
  EventLoop loop;
  ContextStore context;
  LuaHost host(loop, context, sink);
  std::optional<std::string> profiles;
  read_project(opt, services, host, sink, profiles);
}

int print_plan(const SecretRedactor& secrets, bool json, const Plan& plan, const Project& project) {
  return print_document(secrets, json ? json_line(plan_json(plan, project)) + "\n" : render_plan_text(plan, project));
}

// What start (and watch, which starts first) asks of the Runtime; the options a command
// does not have are left as parsed (their defaults).
StartRequest start_request(const Options& opt, const std::optional<std::string>& compose_profiles) {
  StartRequest request;
  request.services = opt.services;
  request.exclude = opt.exclude;
  request.timeout = opt.timeout.value_or(300);
  request.build = opt.build;
  request.parallel = opt.parallel;
  request.profiles = profile_choice(opt, compose_profiles);
  request.remove_orphans = opt.remove_orphans;
  request.keep_runs = opt.keep_runs;
  return request;
}

int dispatch(const Options& opt, const ProgressRequest& progress, Runtime& runtime, const Attachments& attached,
             const std::optional<std::string>& compose_profiles, const std::function<void()>& check_file) {
  if (opt.command == "exec") return exec_command(opt, runtime.project(), attached.engine, attached.cancel);
  if (opt.command == "proxy") return proxy_command(opt, runtime, attached.engine, attached.runtime_events, attached.cancel);
  if (opt.command == "launch") return launch_command(opt, runtime, wants_json(opt, progress));
  if (opt.command == "run")
    return run_command(opt, runtime, attached.engine, attached.context, attached.events, attached.end_progress,
                       attached.cancel);
  if (opt.command == "start") {
    const StartRequest request = start_request(opt, compose_profiles);
    if (opt.dry_run) return print_plan(attached.secrets, wants_json(opt, progress), runtime.plan_start(request), runtime.project());
    return runtime.start(request).exit_code();
  }
  if (opt.command == "watch")
    return watch_command(opt, start_request(opt, compose_profiles), runtime, attached.engine, attached.events,
                         check_file, attached.cancel);
  if (opt.command == "run-jobs") {
    StartRequest request;
    request.profiles = profile_choice(opt, compose_profiles);
    request.services = select_jobs(runtime.project(), opt.services, request.profiles);
    request.rerun = {request.services.begin(), request.services.end()};
    request.keep_runs = opt.keep_runs;
    request.timeout = opt.timeout.value_or(300);
    request.parallel = opt.parallel;
    if (opt.dry_run) return print_plan(attached.secrets, wants_json(opt, progress), runtime.plan_start(request), runtime.project());
    return runtime.start(request).exit_code();
  }
  if (opt.command == "serve") {
    ServeRequest request;
    request.start.profiles = profile_choice(opt, compose_profiles);
    request.start.timeout = request.timeout = opt.timeout.value_or(300);
    request.start.parallel = request.parallel = opt.parallel;
    request.start.keep_runs = request.keep_runs = opt.keep_runs;
    const SystemTimeZone zone;
    return serve(runtime, attached.engine, attached.runtime_events, request, attached.cancel, *attached.serve_runs,
                 zone);
  }
  if (opt.command == "history") {
    const auto jobs = select_jobs(runtime.project(), opt.services, profile_choice(opt, compose_profiles), "history");
    const auto runs = read_history(runtime.project(), jobs);
    return print_document(attached.secrets, wants_json(opt, progress) ? json_line(history_json(runs)) + "\n"
                                                                      : render_history_text(runs));
  }
  if (opt.command == "stop") {
    StopRequest request;
    request.services = opt.services;
    request.exclude = opt.exclude;
    request.remove = opt.remove;
    request.timeout = opt.timeout;
    request.parallel = opt.parallel;
    if (opt.dry_run) return print_plan(attached.secrets, wants_json(opt, progress), runtime.plan_stop(request), runtime.project());
    return runtime.stop(request).exit_code();
  }
  if (opt.command == "down") {
    DownRequest request;
    request.volumes = opt.volumes;
    request.timeout = opt.timeout;
    request.parallel = opt.parallel;
    if (opt.dry_run) return print_plan(attached.secrets, wants_json(opt, progress), runtime.plan_down(request), runtime.project());
    return runtime.down(request).exit_code();
  }
  if (opt.command == "prune") {
    PruneRequest request;
    request.images = opt.images;
    request.volumes = opt.volumes;
    if (opt.dry_run) return print_plan(attached.secrets, wants_json(opt, progress), runtime.plan_prune(request), runtime.project());
    return runtime.prune(request).exit_code();
  }
  if (opt.command == "reload") {
    ReloadRequest request;
    request.services = opt.services;
    request.profiles = profile_choice(opt, compose_profiles);
    request.remove = opt.remove;
    request.timeout = opt.timeout.value_or(300);
    request.parallel = opt.parallel;
    return runtime.reload(request).exit_code();
  }
  if (opt.command == "push") {
    PushRequest request;
    request.services = opt.services;
    return runtime.push(request).exit_code();
  }
  if (opt.command == "deploy") {
    if (opt.remove && opt.deploy_status) throw DefinitionError("deploy: --remove and --status are two commands: give one");
    if (opt.deploy_status) {
      const auto status = runtime.deploy_status();
      return print_document(attached.secrets, wants_json(opt, progress) ? json_line(deploy_status_json(status)) + "\n"
                                                                        : render_deploy_status_text(status));
    }
    if (opt.remove) return runtime.deploy_remove().exit_code();
    DeployRequest request;
    request.timeout = opt.timeout.value_or(300);
    request.profiles = profile_choice(opt, compose_profiles);
    return runtime.deploy(request).exit_code();
  }
  if (opt.command == "restart") {
    RestartRequest request;
    request.services = opt.services;
    request.timeout = opt.timeout.value_or(300);
    request.stop_timeout = opt.stop_timeout;
    request.parallel = opt.parallel;
    request.profiles = profile_choice(opt, compose_profiles);
    return runtime.restart(request).exit_code();
  }
  if (opt.command == "status") {
    const auto report = runtime.status();
    return print_document(attached.secrets, wants_json(opt, progress) ? json_line(status_json(report)) + "\n"
                                                                      : render_status_text(report));
  }
  if (opt.command == "logs") {
    LogsRequest request;
    request.services = opt.services;
    request.follow = opt.follow;
    request.tail = opt.tail;
    request.since = opt.since;
    LogPrinter::Options printing;
    printing.format = choose_progress(progress).mode == ProgressMode::json ? LogPrinter::Format::json
                                                                            : LogPrinter::Format::text;
    printing.color = !opt.no_color && colors_for_logs(progress);
    printing.timestamps = opt.timestamps;
    printing.labels = opt.services.empty() ? runtime.project().names() : opt.services;
    LogPrinter printer(printing);
    RedactingLogSink redacting(printer, attached.secrets);
    runtime.logs(request, redacting);
    return 0;  // Ctrl-C is how `logs -f` ends
  }
  return 2;
}

// boss completion SHELL: the script on stdout, made from the command line's definition.
int completion_command(const Options& opt) {
  const auto model = completion_model(define_command_line()->app);
  const std::string script = opt.shell == "bash" ? bash_completion(model)
                             : opt.shell == "zsh" ? zsh_completion(model)
                                                  : fish_completion(model);
  std::fputs(script.c_str(), stdout);
  return 0;
}

// boss init: the starter files, in the folder of -f (else here).
int init_command(const Options& opt) {
  const std::string file = opt.file.empty() ? "services.lua" : opt.file;
  if (is_compose_file(file) || is_pipeline_file(file))
    throw DefinitionError("init: writes a services.lua, and -f names a " +
                          std::string(is_pipeline_file(file) ? "copili pipeline" : "compose file") + ": " + file);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto library = definitions_dir(exe);
  write_starter_files(file, library);
  std::printf("wrote %s and %s (editor definitions: %s); boss start brings it up\n", file.c_str(),
              (std::filesystem::path(file).parent_path() / ".luarc.json").string().c_str(),
              (library / "boss.d.lua").string().c_str());
  return 0;
}

int execute(const Options& opt, SecretRedactor& secrets) {
  if (opt.command == "convert") return convert_command(opt, secrets);
  if (opt.command == "init") return init_command(opt);
  if (opt.command == "completion") return completion_command(opt);
  const ProgressRequest progress = read_progress_request(opt.progress, opt.quiet);
  const ProgressChoice choice = choose_progress(progress);
  // Plans, status and logs print documents of their own; only operations show progress.
  RendererOptions rendering;
  rendering.verbose = opt.verbose;
  // run's stdout is the one-off's: its dependencies' progress goes to stderr.
  if (opt.command == "run") rendering.out = stderr;
  // __complete's stdout is the candidates, one a line.
  if (opt.command == "__complete") rendering.out = stderr;
  // run shows the start of its dependencies.
  const bool shows_progress =
      opt.command == "start" || opt.command == "run-jobs" || opt.command == "stop" || opt.command == "reload" ||
      opt.command == "watch" || opt.command == "restart" || opt.command == "run" || opt.command == "down" ||
      opt.command == "prune" || opt.command == "push" || (opt.command == "deploy" && !opt.deploy_status) ||
      opt.command == "serve";
  auto renderer = make_renderer(shows_progress && !opt.dry_run ? choice : ProgressChoice{ProgressMode::plain, false},
                                rendering);
  Renderer& renderer_sink = *renderer;
  // Everything reaches the renderer through the redactor (core/secrets.h).
  RedactingSink sink(renderer_sink, secrets);
  // The signal watcher outlives this function: it may only reach the renderer while
  // the renderer exists.
  static Cancel cancel;
  static std::mutex sink_mutex;
  static EventSink* interrupt_sink = nullptr;
  {
    std::lock_guard lock(sink_mutex);
    // Ctrl-C is how logs -f and proxy end, and what ends an exec's plain streams.
    interrupt_sink = opt.command == "logs" || opt.command == "exec" || opt.command == "proxy" ? nullptr : &sink;
  }
  struct Detach {
    ~Detach() {
      std::lock_guard lock(sink_mutex);
      interrupt_sink = nullptr;
    }
  } detach;
  watch_interrupts(cancel, [] {
    std::lock_guard lock(sink_mutex);
    if (interrupt_sink)
      interrupt_sink->emit_now(
          WarningEvent{"interrupted: finishing what is running, beginning nothing new (Ctrl-C again to quit at once)"});
  });
  EventLoop loop;
  // The engines are declared before the Lua host so they outlive it: a hook abandoned at
  // its deadline may still have a self:exec on its way out on a helper thread.
  DockerEngine docker(resolve_endpoint({opt.host, opt.context}, process_environment(), docker_config_dir()).endpoint);
  TracingEngine traced(docker, [&](const std::string& line) { sink.emit_now(TraceEvent{line}); });
  Engine& usual = opt.verbose ? static_cast<Engine&>(traced) : static_cast<Engine&>(docker);
  const TracingEngine::TraceFn trace = [&](const std::string& line) { sink.emit_now(TraceEvent{line}); };
  std::optional<ProjectEngines> engines;  // once services.lua is read: its boss.engine declarations
  ContextStore context;
  context.set_redactor(&secrets);
  LuaHost host(loop, context, sink);
  host.set_redactor(&secrets);

  const std::string services = services_file(opt.file, ".");
  const auto file = std::filesystem::absolute(services).lexically_normal();
  Project project;
  std::optional<std::string> compose_profiles;
  try {
    project = read_project(opt, services, host, sink, compose_profiles);
  } catch (const DefinitionError& e) {
    if (!works_without_file(opt) || opt.command == "__complete") return error_line(secrets, e.what(), 2);
    const std::string name = opt.project.empty() ? slugify(file.parent_path().filename().string()) : opt.project;
    sink.emit_now(WarningEvent{first_line(e.what()) + "; working from the containers of project '" + name +
                               "' as the engine knows them"});
    project = project_from_labels(name, file, usual.list_containers({{kLabelProject, name}}));
  }
  try {
    engines.emplace(project, usual, opt.verbose ? &trace : nullptr,
                    [&](const std::string& text) { sink.emit_now(WarningEvent{text}); });
  } catch (const DefinitionError& e) {
    return error_line(secrets, e.what(), 2);
  }
  // A deploy talks to the swarm manager -H names, whatever engines services name.
  Engine& engine = opt.command == "deploy" ? usual : engines->engine();
  host.set_engine(&engine);

  if (opt.command == "__complete") {  // what a completion script asks: the services, one a line
    for (const auto& name : project.names()) std::printf("%s\n", name.c_str());
    return 0;
  }
  register_project_secrets(project, secrets, context);
  FileProjectLocker locker;
  TeeSink runtime_events(sink);
  // boss serve winds its runs down itself on a signal (core/serve.h): its Runtime's Cancel
  // is its own.
  Cancel serve_runs;
  Runtime runtime(project, engine, host.hooks(), context, runtime_events, locker,
                  opt.command == "serve" ? serve_runs : cancel);
  DockerConfigCredentials credentials;  // the docker CLI's logins, for services without registry_auth
  runtime.set_credentials(&credentials);
  bool progress_ended = false;
  const auto end_progress = [&] {
    if (!std::exchange(progress_ended, true)) renderer_sink.finish();
  };
  const Attachments attached{secrets, engine, context, sink, end_progress, cancel, runtime_events, &serve_runs};
  int code = 1;
  std::exception_ptr failure;
  try {
    const auto check_file = [&] { check_services_file(opt, services, sink); };
    code = run_with_loop(loop, [&] { return dispatch(opt, progress, runtime, attached, compose_profiles, check_file); });
    // A service moved off a declared engine leaves the project network there: gone once
    // the engine holds nothing of the project.
    if (!opt.dry_run && (opt.command == "start" || opt.command == "up" || opt.command == "reload" ||
                         opt.command == "stop" || opt.command == "down"))
      for (const auto& what : engines->tidy_unused()) sink.emit_now(TraceEvent{"removed " + what + " (no service runs there)"});
  } catch (...) {
    failure = std::current_exception();
  }
  // The display is put away before anything else is printed.
  end_progress();
  if (!failure) return code;
  try {
    std::rethrow_exception(failure);
  } catch (const DefinitionError& e) {
    return error_line(secrets, e.what(), 2);
  } catch (const Interrupted& e) {
    return error_line(secrets, e.what(), 130);
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  // One worker thread per starting service would otherwise get up to 8 malloc arenas per
  // core; boss's allocations are small and brief, so two arenas serve them.
  mallopt(M_ARENA_MAX, 2);
  block_signals();
  const Parsed parsed = parse_command_line(argc, argv);
  if (parsed.outcome == Parsed::Outcome::exit) return parsed.exit_code;
  SecretRedactor secrets;  // outlives everything execute() makes
  try {
    const int code = execute(parsed.options, secrets);
    if (code != kWatchReread) return code;
    // boss watch saw a sound new services file: the same command again re-plans from it
    // (everything of this run is gone by now: display, engines, Lua state).
    ::execv("/proc/self/exe", argv);
    return error_line(secrets, std::string("watch: cannot run boss again: ") + std::strerror(errno), 1);
  } catch (const DefinitionError& e) {
    return error_line(secrets, e.what(), 2);
  } catch (const std::exception& e) {
    return error_line(secrets, e.what(), 1);
  }
}

}  // namespace boss
