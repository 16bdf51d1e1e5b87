#include "cli/attach_commands.h"

#include "cli/attached_session.h"
#include "core/exec_target.h"
#include "core/one_off_run.h"
#include "core/plan.h"
#include "core/selection.h"

namespace boss {

int exec_command(const Options& opt, const Project& project, Engine& engine, const Cancel& cancel) {
  const std::string& service = opt.services.front();
  const std::string container = exec_target(project, observe(engine, project, /*images=*/false), service, opt.instance);
  const SessionMode mode = session_mode(opt.no_tty);
  std::string exec_id;
  try {
    exec_id = engine.create_exec(container, ExecSpec{opt.argv, mode.tty, mode.forward_stdin});
  } catch (const EngineError& e) {
    // It stopped between the look and the exec.
    if (e.status() == 409) throw NotRunning("service '" + service + "' is not running (boss start " + service + ")");
    throw;
  }
  const auto streams = engine.start_exec(exec_id, mode.tty);
  run_session(*streams, mode, [&](int rows, int columns) { engine.resize_exec(exec_id, rows, columns); }, cancel);
  return engine.exec_exit_code(exec_id, cancel);
}

int run_command(const Options& opt, Runtime& runtime, Engine& engine, ContextStore& context, EventSink& events,
                const std::function<void()>& end_progress, const Cancel& cancel) {
  const Project& project = runtime.project();
  const std::string& service = opt.services.front();
  const ServiceSpec* spec = project.find(service);
  if (!spec) throw unknown_service(project, service, "run");
  if (!opt.no_deps && !spec->dependencies.empty()) {
    StartRequest start;
    start.services = spec->dependencies;
    const int code = runtime.start(start).exit_code();
    if (code != 0) return code;
  }
  end_progress();

  const SessionMode mode = session_mode(opt.no_tty);
  RunRequest request;
  request.service = service;
  request.keep = opt.keep;
  if (!opt.argv.empty()) request.options.cmd = opt.argv;
  request.options.env = opt.env;
  request.options.publish = opt.publish;
  request.options.tty = mode.tty;
  request.options.open_stdin = mode.forward_stdin;
  return run_one_off(
      engine, project, context, events, request,
      [&](AttachedStreams& streams, const std::string& container) {
        run_session(streams, mode, [&](int rows, int columns) { engine.resize_container(container, rows, columns); },
                    cancel);
      },
      cancel, runtime.credentials());
}

}  // namespace boss
