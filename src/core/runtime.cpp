#include "core/runtime.h"

#include <algorithm>
#include <future>

#include "core/cleanup.h"
#include "core/deploy_run.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/graph.h"
#include "core/image_provider.h"
#include "core/instances.h"
#include "core/legacy_state.h"
#include "core/operation.h"
#include "core/restart_policy.h"
#include "core/selection.h"
#include "core/service_progress.h"
#include "core/validate.h"

namespace boss {
namespace {

// The services all of whose instances ended in one of `phases` (those a start scaled
// down aside), in order.
std::vector<std::string> services_with(const CommandResult& result, std::initializer_list<Phase> phases) {
  std::vector<std::string> out;
  std::set<std::string> missed;
  for (const auto& o : result.outcomes) {
    if (result.command != "stop" && o.action == ActionKind::remove) continue;
    if (std::find(phases.begin(), phases.end(), o.status) == phases.end())
      missed.insert(o.service);
    else if (std::find(out.begin(), out.end(), o.service) == out.end())
      out.push_back(o.service);
  }
  std::erase_if(out, [&](const std::string& name) { return missed.count(name) > 0; });
  return out;
}

// The images a start --build or a reload builds anew: those of `services` that are built.
std::set<std::string> built_images(const Project& project, const std::vector<std::string>& services) {
  std::set<std::string> refs;
  for (const auto& name : services) {
    const ServiceSpec* spec = project.find(name);
    if (spec && !spec->build_from_directory.empty()) refs.insert(spec->image);
  }
  return refs;
}

ExecuteOptions stop_options(std::optional<double> timeout, std::size_t parallel, std::size_t workers = 0) {
  ExecuteOptions options;
  options.stop_timeout = timeout;
  options.parallel = parallel;
  options.workers = workers;
  return options;
}

// What boss.on_done gets: one result per job of the operation, in its order.
std::vector<JobResult> job_results(const Project& project, const CommandResult& result) {
  std::vector<JobResult> out;
  for (const auto& o : result.outcomes) {
    const ServiceSpec* spec = project.find(o.service);
    if (!spec || !spec->is_job) continue;
    JobResult r;
    r.name = o.service;
    r.status = o.status == Phase::up || o.status == Phase::kept ? "done" : phase_name(o.status);
    r.exit_code = o.exit_code;
    r.attempts = o.attempts;
    r.seconds = o.seconds;
    r.log_file = o.log_file;
    out.push_back(std::move(r));
  }
  return out;
}

// start --remove-orphans: the containers of services no longer defined go first.
void add_orphans(Plan& plan, const Observed& observed, bool remove) {
  if (!remove) return;
  for (const auto& c : observed.orphans) plan.remove_orphans.push_back(c.name);
}

}  // namespace

Runtime::Runtime(const Project& project, Engine& engine, Hooks& hooks, ContextStore& context, EventSink& events,
                 ProjectLocker& locker, const Cancel& cancel)
    : m_project(project), m_engine(engine), m_hooks(hooks), m_context(context), m_events(events), m_locker(locker),
      m_cancel(cancel), m_journal(project.journal_file()) {
  m_context.set_file(project.context_file());
}

std::unique_ptr<ProjectLocker::Held> Runtime::lock(const Cancel& cancel) {
  return m_locker.lock(
      m_project.name,
      [&] {
        m_events.emit_now(
            WarningEvent{"another boss run on project '" + m_project.name + "' is in progress; waiting for it"});
      },
      cancel);
}

void Runtime::load_state() {
  import_legacy_state(m_project, m_events);
  m_context.load();
  m_journal.load();
}

void Runtime::run_group_hook(CommandResult& result, const char* what, const HookResult& hook) {
  if (hook.status == HookResult::Status::ok) return;
  if (!hook.traceback.empty()) m_events.emit_now(TraceEvent{hook.traceback});
  result.error = std::string(what) + " hook failed: " + first_line(hook.error);
  m_events.emit_now(WarningEvent{result.error});
}

CommandResult Runtime::finish(CommandResult result) {
  m_events.emit_now(SummaryEvent{result});
  return result;
}

void Runtime::remove_replaced_images(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    try {
      m_engine.remove_image(id);
      m_events.emit_now(TraceEvent{"removed the replaced image " + id});
    } catch (const EngineError& e) {
      // Still used (by another project's container, or a tag of the user's): it stays.
      m_events.emit_now(TraceEvent{"kept the replaced image " + id + ": " + e.what()});
    }
  }
}

void Runtime::warn_orphans(const Observed& observed) {
  for (const auto& c : observed.orphans) {
    const auto it = c.labels.find(kLabelService);
    const std::string service = it == c.labels.end() ? "?" : it->second;
    m_events.emit_now(WarningEvent{"container " + c.name + " belongs to service '" + service +
                                   "', which services.lua no longer defines (an orphan); "
                                   "`boss start --remove-orphans` or `boss down` removes it"});
  }
}

Plan Runtime::plan_start(const StartRequest& request) {
  const auto services = select_for_start(m_project, request.services, request.exclude, request.profiles);
  check_build_contexts(m_project, services);
  load_state();
  const auto observed = observe(m_engine, m_project);
  std::set<std::string> rebuild;
  if (request.build)
    for (const auto& name : services)
      if (!m_project.find(name)->build_from_directory.empty()) rebuild.insert(name);
  Plan plan = boss::plan_start({m_project, services, observed, m_context.text_snapshot(),
                                [&](const std::string& key) { return m_context.set_by(key); }, m_journal.snapshot(),
                                {}, rebuild, m_context.secret_keys(), request.rerun});
  add_orphans(plan, observed, request.remove_orphans);
  plan.inactive = inactive_services(m_project, request.services, request.profiles);
  plan.on_demand = on_demand_left_out(m_project, request.services, request.exclude, request.profiles);
  return plan;
}

CommandResult Runtime::start(const StartRequest& request) {
  const auto services = select_for_start(m_project, request.services, request.exclude, request.profiles);
  check_build_contexts(m_project, services);
  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  load_state();
  m_events.emit_now(OperationEvent{"start", m_project.name, services});
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  op.credentials = m_credentials;
  const auto observed = observe(m_engine, m_project);
  ExecuteOptions options;
  options.ping_timeout = request.timeout;
  options.parallel = request.parallel;
  options.workers = request.workers;
  if (request.build) options.rebuild = built_images(m_project, services);
  std::set<std::string> rebuild_services;
  for (const auto& name : services)
    if (options.rebuild.count(m_project.find(name)->image)) rebuild_services.insert(name);
  options.rerun = request.rerun;
  options.keep_runs = request.keep_runs;
  options.after_create = request.after_create;
  Plan plan = boss::plan_start({m_project, services, observed, m_context.text_snapshot(),
                                [&](const std::string& key) { return m_context.set_by(key); }, m_journal.snapshot(),
                                {}, rebuild_services, m_context.secret_keys(), request.rerun});
  add_orphans(plan, observed, request.remove_orphans);
  if (!request.remove_orphans) warn_orphans(observed);
  auto execution = execute(op, plan, observed, options);
  CommandResult& result = execution.result;
  op.save_context();
  const auto up = services_with(result, {Phase::up, Phase::kept});
  if (!up.empty() && !result.interrupted) run_group_hook(result, "on_start", m_hooks.on_start(up));
  // After the pipeline, failed or not: what each job did.
  const auto jobs = job_results(m_project, result);
  // The last runs' logs, written in the background (job_run.h), are there for on_done.
  if (!jobs.empty()) op.background.join_all();
  if (!jobs.empty() && !result.interrupted) run_group_hook(result, "on_done", m_hooks.on_done(jobs));
  op.save_context();
  if (!result.interrupted) remove_replaced_images(execution.replaced_images);
  return finish(std::move(result));
}

Plan Runtime::plan_stop(const StopRequest& request) {
  const auto services = select_for_stop(m_project, request.services, request.exclude);
  const auto observed = observe(m_engine, m_project, /*images=*/false);
  const bool whole = request.services.empty() && request.exclude.empty();
  return boss::plan_stop(m_project, services, observed, request.remove, whole);
}

CommandResult Runtime::run_removal(const std::string& command, const std::vector<std::string>& services,
                                   const std::function<Plan(const Observed&)>& make_plan,
                                   const ExecuteOptions& options) {
  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  // Stop never reads the context: a damaged file must not keep anyone from stopping.
  m_journal.load();
  m_events.emit_now(OperationEvent{command, m_project.name, services});
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  op.credentials = m_credentials;
  const auto observed = observe(m_engine, m_project, /*images=*/false);
  CommandResult result = execute(op, make_plan(observed), observed, options).result;
  const auto stopped = services_with(result, {Phase::stopped, Phase::removed});
  if (!stopped.empty() && !result.interrupted) run_group_hook(result, "on_stop", m_hooks.on_stop(stopped));
  return finish(std::move(result));
}

CommandResult Runtime::stop(const StopRequest& request) {
  const auto services = select_for_stop(m_project, request.services, request.exclude);
  // The network, orphans and saved state belong to the whole project: only a full
  // stop --remove takes them.
  const bool whole = request.services.empty() && request.exclude.empty();
  return run_removal(
      "stop", services,
      [&](const Observed& observed) {
        return boss::plan_stop(m_project, services, observed, request.remove, whole);
      },
      stop_options(request.timeout, request.parallel, request.workers));
}

Plan Runtime::down_plan(const DownRequest& request, const Observed& observed) {
  return boss::plan_down(m_project, select_for_stop(m_project, {}, {}), observed,
                         observe_cleanup(m_engine, m_project, false, request.volumes), request.volumes);
}

Plan Runtime::plan_down(const DownRequest& request) {
  return down_plan(request, observe(m_engine, m_project, /*images=*/false));
}

CommandResult Runtime::down(const DownRequest& request) {
  return run_removal(
      "down", select_for_stop(m_project, {}, {}),
      [&](const Observed& observed) { return down_plan(request, observed); },
      stop_options(request.timeout, request.parallel));
}

Plan Runtime::prune_plan(const PruneRequest& request, const Observed& observed) {
  return boss::plan_prune(m_project, observed, observe_cleanup(m_engine, m_project, request.images, request.volumes),
                          request.images, request.volumes);
}

Plan Runtime::plan_prune(const PruneRequest& request) {
  return prune_plan(request, observe(m_engine, m_project, /*images=*/false));
}

CommandResult Runtime::prune(const PruneRequest& request) {
  return run_removal(
      "prune", {}, [&](const Observed& observed) { return prune_plan(request, observed); }, {});
}

CommandResult Runtime::reload(const ReloadRequest& request) {
  if (request.services.empty()) throw DefinitionError("reload: name at least one service");
  check_service_names(m_project, request.services, "reload");
  const DependencyGraph graph(m_project);
  const std::set<std::string> targets(request.services.begin(), request.services.end());
  auto affected = graph.with_dependents(targets);
  // A dependent whose profiles are inactive, or that is on demand, is restarted only when
  // it runs now.
  auto inactive = inactive_services(m_project, {}, request.profiles);
  for (const auto& s : m_project.services)
    if (s.on_demand) inactive.push_back(s.name);
  if (!inactive.empty()) {
    const auto observed = observe(m_engine, m_project, /*images=*/false);
    for (const auto& name : inactive) {
      const auto& containers = observed.of(name);
      if (!targets.count(name) &&
          std::none_of(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); }))
        affected.erase(name);
    }
  }
  const auto to_start =
      select_for_start(m_project, {affected.begin(), affected.end()}, {}, request.profiles);
  std::vector<std::string> to_stop;
  for (const auto& name : graph.topological_order())
    if (affected.count(name)) to_stop.insert(to_stop.begin(), name);
  check_build_contexts(m_project, to_start);

  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  load_state();
  m_events.emit_now(OperationEvent{"reload", m_project.name, to_start});
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  op.credentials = m_credentials;

  // Build first: a failed build must leave the running services untouched. Observed
  // once: the lock is held from here on, so nothing of boss's changes the project's
  // containers during the build, and the built images' ids are what the build gave.
  Observed observed = observe(m_engine, m_project);
  ImageProvider images(op, observed.image_ids, built_images(m_project, request.services));
  for (const auto& name : request.services) {
    const ServiceSpec& spec = *m_project.find(name);
    if (spec.build_from_directory.empty()) continue;
    ServiceProgress progress(m_events, name, ActionKind::recreate);
    CommandResult failed;
    failed.command = "reload";
    failed.project = m_project.name;
    ServiceOutcome outcome;
    outcome.service = name;
    outcome.action = ActionKind::recreate;
    outcome.began = true;
    try {
      observed.image_ids[spec.image] = images.ensure(spec, progress);
      continue;
    } catch (const Interrupted&) {
      outcome.status = Phase::interrupted;
      outcome.reason = "interrupted while building its image; nothing was changed";
      failed.interrupted = true;
    } catch (const EngineError& e) {
      outcome.status = Phase::failed;
      outcome.reason = e.what();
    }
    const auto& had = observed.of(name);
    outcome.left_running = std::any_of(had.begin(), had.end(), [](const ContainerInfo& c) { return c.running(); });
    progress.final(outcome.status, outcome.reason);
    failed.outcomes.push_back(outcome);
    return finish(std::move(failed));
  }

  // New-first when every service reloaded can run twice for a moment (plan.h's
  // can_start_first): each is replaced beside its running container, and only then are
  // its dependents restarted. Otherwise everything affected stops first, dependents first.
  const bool new_first = std::all_of(request.services.begin(), request.services.end(), [&](const std::string& name) {
    return can_start_first(*m_project.find(name));
  });
  std::vector<std::string> first;  // new-first: what is started before the dependents stop
  if (new_first) {
    const auto with_deps = select_for_start(m_project, request.services, {}, request.profiles);
    std::copy_if(to_start.begin(), to_start.end(), std::back_inserter(first), [&](const std::string& name) {
      return std::find(with_deps.begin(), with_deps.end(), name) != with_deps.end();
    });
  }
  std::vector<std::string> rest;  // started once the stops are done
  std::copy_if(to_start.begin(), to_start.end(), std::back_inserter(rest), [&](const std::string& name) {
    return std::find(first.begin(), first.end(), name) == first.end();
  });
  std::vector<std::string> stops;  // dependents first
  std::copy_if(to_stop.begin(), to_stop.end(), std::back_inserter(stops),
               [&](const std::string& name) { return !new_first || !targets.count(name); });

  ExecuteOptions options;
  options.ping_timeout = request.timeout;
  options.stop_timeout = request.stop_timeout;
  options.forced = targets;
  options.parallel = request.parallel;
  if (new_first) options.new_first = targets;
  auto start_plan = [&](const std::vector<std::string>& services, const Observed& seen) {
    return boss::plan_start({m_project, services, seen, m_context.text_snapshot(),
                             [&](const std::string& key) { return m_context.set_by(key); }, m_journal.snapshot(),
                             targets, {}, m_context.secret_keys(), {}, options.new_first});
  };
  CommandResult result;
  result.command = "reload";
  result.project = m_project.name;
  if (!first.empty()) {
    result = execute(op, start_plan(first, observed), observed, options).result;
    result.command = "reload";
    op.save_context();
    if (result.any_failed() || result.interrupted) return finish(std::move(result));
  }
  const auto resumed = resume_dependents(op, stops, rest, request, [&](const std::vector<std::string>& services,
                                                                        const Observed& seen) {
    return execute(op, start_plan(services, seen), seen, options).result;
  });
  result.outcomes.insert(result.outcomes.end(), resumed.outcomes.begin(), resumed.outcomes.end());
  result.interrupted = result.interrupted || resumed.interrupted;
  if (result.error.empty()) result.error = resumed.error;
  op.save_context();
  if (!result.any_failed() && !result.interrupted)
    for (const auto& name : request.services) run_group_hook(result, "on_reload", m_hooks.on_reload(name));
  op.save_context();
  if (!result.interrupted) remove_replaced_images(images.replaced());
  return finish(std::move(result));
}

CommandResult Runtime::resume_dependents(
    Operation& op, const std::vector<std::string>& stops, const std::vector<std::string>& starts,
    const ReloadRequest& request,
    const std::function<CommandResult(const std::vector<std::string>&, const Observed&)>& start) {
  CommandResult result;
  result.command = "reload";
  result.project = m_project.name;
  if (!stops.empty()) {
    const auto observed = observe(m_engine, m_project);
    ExecuteOptions stop_options;
    stop_options.stop_timeout = request.stop_timeout;
    stop_options.parallel = request.parallel;
    auto stopped = execute(op, boss::plan_stop(m_project, stops, observed, request.remove, false), observed,
                           stop_options)
                       .result;
    if (stopped.any_failed() || stopped.interrupted) return stopped;
  }
  if (starts.empty()) return result;
  return start(starts, observe(m_engine, m_project));
}

CommandResult Runtime::push(const PushRequest& request) {
  const auto services = select_for_push(m_project, request.services);
  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  m_events.emit_now(OperationEvent{"push", m_project.name, services});
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  op.credentials = m_credentials;
  return finish(push_services(op, services));
}

CommandResult Runtime::restart(const RestartRequest& request) {
  check_service_names(m_project, request.services, "restart");
  const std::set<std::string> named(request.services.begin(), request.services.end());
  const auto inactive_list = inactive_services(m_project, request.services, request.profiles);
  const std::set<std::string> inactive(inactive_list.begin(), inactive_list.end());

  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  load_state();
  const auto observed = observe(m_engine, m_project, /*images=*/false);
  const auto runs = [&](const std::string& name) {
    const auto& containers = observed.of(name);
    return std::any_of(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); });
  };
  std::vector<std::string> services;
  for (const auto& name : DependencyGraph(m_project).topological_order()) {
    if (!named.empty() && !named.count(name)) continue;
    // All: inactive and on-demand services only when they run (they were started).
    if ((inactive.count(name) || (named.empty() && m_project.find(name)->on_demand)) && !runs(name)) continue;
    services.push_back(name);
  }
  m_events.emit_now(OperationEvent{"restart", m_project.name, services});
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  ExecuteOptions options;
  options.restart = true;
  options.ping_timeout = request.timeout;
  options.stop_timeout = request.stop_timeout;
  options.parallel = request.parallel;
  CommandResult result = execute(op, boss::plan_restart(m_project, services, observed), observed, options).result;
  op.save_context();
  return finish(std::move(result));
}

CommandResult Runtime::deploy(const DeployRequest& request) {
  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  load_state();
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  op.credentials = m_credentials;
  return finish(run_deploy(op, request));
}

CommandResult Runtime::deploy_remove() {
  Cancel cancel(&m_cancel);
  const auto held = lock(cancel);
  Operation op(m_project, m_engine, m_hooks, m_context, m_journal, m_events, cancel);
  return finish(run_deploy_remove(op));
}

DeployStatus Runtime::deploy_status() { return read_deploy_status(m_engine, m_project); }

StatusReport Runtime::status() {
  m_journal.load();
  // The swarm's part meanwhile: its calls wait on the engine, not on these.
  auto deployed = std::async(std::launch::async, [&] { return deployed_status(m_engine, m_project); });
  const auto observed = observe(m_engine, m_project, /*images=*/false);
  const auto pending = m_journal.snapshot();
  StatusReport report;
  report.project = m_project.name;
  auto row_of = [&](const std::string& service, int instance, const ContainerInfo& c, bool orphan) {
    StatusRow row;
    row.service = service;
    row.instance = instance;
    row.state = c.state;
    row.container_id = c.id;
    row.container_name = c.name;
    row.image = c.image;
    row.ports = c.ports;
    row.orphan = orphan;
    // Where it is (a service moved to another engine keeps its old container there until
    // the next start), else where services.lua places it.
    const ServiceSpec* spec = orphan ? nullptr : m_project.find(service);
    row.engine = c.engine ? *c.engine : spec ? spec->engine : "";
    if (const auto state = m_engine.inspect_container(c.id)) {
      row.state = state->status;
      row.health = state->health;
      row.started_at = state->started_at;
      row.restart = restart_policy_text(state->restart);
      if (!state->running && !state->started_at.empty()) row.exit_code = state->exit_code;
      if (!state->image.empty()) row.image = state->image;
    }
    const auto p = pending.find(instance_key(service, instance));
    if (!orphan && p != pending.end() && p->second.container_id == c.id && row.state == "running")
      row.not_ready = p->second.needs == "ping" ? "ping did not succeed since its restart"
                                                : "its start did not finish (ping or post_start)";
    return row;
  };
  // Each instance 1..N (absent ones too), then leftovers above N.
  for (const auto& s : m_project.services) {
    const auto present = observed.instance_numbers(s.name);
    std::set<int> numbers(present.begin(), present.end());
    for (int number = 1; number <= s.instances; ++number) numbers.insert(number);
    for (const int number : numbers) {
      const int shown = shown_instance(s, number);
      const auto containers = observed.of(s.name, number);
      if (containers.empty()) {
        StatusRow row;
        row.service = s.name;
        row.instance = shown;
        row.state = "absent";
        row.engine = s.engine;
        report.rows.push_back(row);
      }
      for (const auto& c : containers) report.rows.push_back(row_of(s.name, shown, c, false));
    }
  }
  for (const auto& c : observed.launched) {
    const auto it = c.labels.find(kLabelService);
    StatusRow row = row_of(it == c.labels.end() ? c.name : it->second, 0, c, true);
    row.orphan = false;
    row.launched_from = c.labels.at(kLabelTemplate);
    report.rows.push_back(std::move(row));
  }
  for (const auto& c : observed.orphans) {
    const auto it = c.labels.find(kLabelService);
    const int number = instance_of(c.labels);
    report.rows.push_back(row_of(it == c.labels.end() ? c.name : it->second, number > 1 ? number : 0, c, true));
  }
  report.deploy = deployed.get();
  return report;
}

void Runtime::logs(const LogsRequest& request, LogSink& sink) {
  check_service_names(m_project, request.services, "logs");
  Cancel cancel(&m_cancel);
  follow_logs(m_engine, m_project, request, sink, m_events, cancel);
}

}  // namespace boss
