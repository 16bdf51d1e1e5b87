#include "core/commands.h"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "core/errors.h"
#include "core/graph.h"
#include "core/starter.h"
#include "core/validate.h"
#include "core/walker.h"

namespace boss {
namespace {

std::set<std::string> checked_names(const Project& project, const std::vector<std::string>& names,
                                    const std::string& option) {
  std::set<std::string> out;
  for (const auto& name : names) {
    if (!project.find(name)) {
      const auto hint = did_you_mean(name, project.names());
      throw DefinitionError(option + ": unknown service '" + name + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    out.insert(name);
  }
  return out;
}

std::string service_label(const ContainerInfo& c) {
  const auto it = c.labels.find(kLabelService);
  return it == c.labels.end() ? "" : it->second;
}

void run_group_hook(Session& session, CommandResult& result, const char* what, const HookResult& hook) {
  if (hook.status == HookResult::Status::ok) return;
  if (!hook.traceback.empty()) session.reporter.verbose(hook.traceback);
  result.error = std::string(what) + " hook failed: " + first_line(hook.error);
  session.reporter.warning(result.error);
}

std::vector<std::string> up_services(const CommandResult& result) {
  std::vector<std::string> up;
  for (const auto& o : result.outcomes)
    if (o.status == Phase::up) up.push_back(o.service);
  return up;
}

// Stops (and with `remove`, removes) every container of `services`, dependents first.
CommandResult stop_services(Session& session, const std::vector<std::string>& services, const Observed& observed,
                            bool remove, int timeout) {
  const DependencyGraph graph(session.project);
  std::mutex mutex;
  std::map<std::string, ServiceOutcome> outcomes;
  static const std::atomic<bool> never{false};
  auto task = [&](const std::string& name) {
    ServiceOutcome o;
    o.service = name;
    const auto it = observed.containers.find(name);
    bool had_running = false;
    try {
      if (it == observed.containers.end() || it->second.empty()) {
        o.status = Phase::stopped;
        o.reason = "no container";
      } else {
        for (const auto& c : it->second) {
          if (c.running() || c.state == "paused" || c.state == "restarting") {
            had_running = true;
            session.reporter.service_event(name, "stopping");
            session.engine.stop_container(c.id, timeout);
          }
          if (remove) session.engine.remove_container(c.id);
        }
        o.status = remove ? Phase::removed : Phase::stopped;
        o.reason = had_running ? (remove ? "stopped and removed" : "stopped") : (remove ? "removed" : "was not running");
      }
      session.reporter.service_event(name, o.reason);
    } catch (const EngineError& e) {
      o.status = Phase::failed;
      o.reason = e.what();
      session.reporter.service_event(name, std::string("failed: ") + e.what());
    }
    const bool ok = o.status != Phase::failed;
    std::lock_guard lock(mutex);
    outcomes[name] = std::move(o);
    return ok;
  };
  // Stop is not interruptible half-way: Ctrl-C during stop would leave a worse state.
  walk_graph(services, [&](const std::string& n) { return graph.dependents(n); }, task, never,
             WalkOptions{.skip_waiters_on_failure = false});
  CommandResult result;
  for (const auto& name : services) result.outcomes.push_back(outcomes[name]);
  return result;
}

}  // namespace

std::vector<std::string> select_for_start(const Project& project, const std::vector<std::string>& exclude,
                                          const std::vector<std::string>& targets) {
  const auto excluded = checked_names(project, exclude, "--exclude");
  const DependencyGraph graph(project);
  const auto wanted = graph.with_dependencies(checked_names(project, targets, "start"));
  std::vector<std::string> out;
  for (const auto& name : graph.topological_order()) {
    if (excluded.count(name) || (!targets.empty() && !wanted.count(name))) continue;
    for (const auto& dep : graph.dependencies(name))
      if (excluded.count(dep))
        throw DefinitionError("cannot exclude '" + dep + "': service '" + name + "' depends on it");
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> select_for_stop(const Project& project, const std::vector<std::string>& exclude,
                                         const std::vector<std::string>& targets) {
  const auto excluded = checked_names(project, exclude, "--exclude");
  const DependencyGraph graph(project);
  const auto wanted = graph.with_dependents(checked_names(project, targets, "stop"));
  std::vector<std::string> out;
  auto order = graph.topological_order();
  std::reverse(order.begin(), order.end());
  for (const auto& name : order) {
    if (excluded.count(name) || (!targets.empty() && !wanted.count(name))) continue;
    for (const auto& dependent : graph.dependents(name))
      if (excluded.count(dependent))
        throw DefinitionError("cannot stop '" + name + "': excluded service '" + dependent + "' depends on it");
    out.push_back(name);
  }
  return out;
}

std::vector<Decision> dry_run_start(Session& session, const StartCommand& command) {
  const auto services = select_for_start(session.project, command.exclude, command.targets);
  const auto observed = observe(session.engine, session.project);
  return plan_start(session.project, services, observed, session.context.text_snapshot(),
                    session.journal.snapshot());
}

CommandResult run_start(Session& session, const StartCommand& command) {
  const auto services = select_for_start(session.project, command.exclude, command.targets);
  const auto observed = observe(session.engine, session.project);
  StartOptions options;
  options.services = services;
  options.ping_timeout = command.timeout;
  auto result = start_services(session, options, observed);
  save_context_or_warn(session);
  const auto up = up_services(result);
  if (!up.empty() && !result.interrupted) run_group_hook(session, result, "on_start", session.hooks.on_start(up));
  save_context_or_warn(session);
  return result;
}

CommandResult run_stop(Session& session, const StopCommand& command) {
  const auto services = select_for_stop(session.project, command.exclude, command.targets);
  const auto observed = observe(session.engine, session.project);
  auto result = stop_services(session, services, observed, command.remove, command.timeout);
  std::vector<std::string> stopped;
  for (const auto& o : result.outcomes)
    if (o.status == Phase::stopped || o.status == Phase::removed) stopped.push_back(o.service);
  // The network and context belong to the whole project: only a full stop removes them.
  if (command.remove && command.exclude.empty() && command.targets.empty() && !result.any_failed()) {
    // Leftovers of services no longer in the file belong to the project too.
    // What is left over is reported, never a reason to lose the summary and on_stop.
    auto try_remove = [&](const std::string& what, const std::function<void()>& remove) {
      try {
        remove();
      } catch (const EngineError& e) {
        session.reporter.warning("could not remove " + what + ": " + e.what());
      }
    };
    for (const auto& c : observed.orphans) {
      session.reporter.service_event(service_label(c).empty() ? c.name : service_label(c), "removing orphan container");
      try_remove("orphan container " + c.name, [&] { session.engine.remove_container(c.id); });
    }
    for (const auto& n : observed.networks)
      try_remove("network " + n.name, [&] { session.engine.remove_network(n.id); });
    session.context.remove_file();
    session.journal.remove_file();
  }
  if (!stopped.empty()) run_group_hook(session, result, "on_stop", session.hooks.on_stop(stopped));
  return result;
}

CommandResult run_reload(Session& session, const ReloadCommand& command) {
  checked_names(session.project, {command.service}, "reload");
  const DependencyGraph graph(session.project);
  const auto affected = graph.with_dependents({command.service});
  const auto needed = graph.with_dependencies(affected);
  const ServiceSpec& spec = *session.project.find(command.service);

  // Build first: a failed build must leave the running services untouched.
  if (!spec.build_from_directory.empty()) {
    try {
      build_service_image(session, spec);
    } catch (const EngineError& e) {
      CommandResult result;
      ServiceOutcome failed;
      failed.service = spec.name;
      failed.status = Phase::failed;
      failed.reason = e.what();
      result.outcomes.push_back(failed);
      session.reporter.service_event(spec.name, std::string("failed: ") + e.what());
      return result;
    }
  }
  auto observed = observe(session.engine, session.project);
  std::vector<std::string> to_stop;
  auto order = graph.topological_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (affected.count(*it)) to_stop.push_back(*it);
  auto stopped = stop_services(session, to_stop, observed, command.remove, command.stop_timeout);
  if (stopped.any_failed()) return stopped;

  observed = observe(session.engine, session.project);
  StartOptions options;
  for (const auto& name : order)
    if (needed.count(name)) options.services.push_back(name);
  options.ping_timeout = command.timeout;
  options.force_service = command.service;
  auto result = start_services(session, options, observed);
  save_context_or_warn(session);
  if (!result.any_failed() && !result.interrupted)
    run_group_hook(session, result, "on_reload", session.hooks.on_reload(command.service));
  save_context_or_warn(session);
  return result;
}

std::vector<StatusRow> run_status(Session& session) {
  const auto observed = observe(session.engine, session.project);
  std::vector<StatusRow> rows;
  for (const auto& s : session.project.services) {
    const auto it = observed.containers.find(s.name);
    if (it == observed.containers.end() || it->second.empty()) {
      rows.push_back({s.name, "absent", "", {}});
      continue;
    }
    for (const auto& c : it->second) rows.push_back({s.name, c.state, c.id.substr(0, 12), c.ports});
  }
  for (const auto& c : observed.orphans)
    rows.push_back({service_label(c), "orphan " + c.state, c.id.substr(0, 12), c.ports});
  return rows;
}

}  // namespace boss
