#include "core/deploy_run.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "core/errors.h"
#include "core/plan.h"
#include "core/readiness.h"
#include "core/service_failure.h"
#include "core/service_hook.h"
#include "core/service_progress.h"
#include "core/walker.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kTaskPoll{250};
// How long the network may stay in use by the tasks of removed services.
constexpr std::chrono::seconds kNetworkRelease{60};

std::string label_of(const Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

// What a deploy puts on the swarm, in dependency order: every active service.
std::vector<std::string> deployed_services(const Project& project, const ProfileChoice& profiles) {
  const auto inactive = inactive_services(project, {}, profiles);
  std::vector<std::string> targets;
  for (const auto& name : project.names())
    if (std::find(inactive.begin(), inactive.end(), name) == inactive.end()) targets.push_back(name);
  return select_for_start(project, targets, {}, profiles);
}

// Checks what can be checked before anything is touched; returns image -> digest.
std::map<std::string, std::string> check_deploy(Operation& op, const std::vector<std::string>& services) {
  require_swarm_manager(op.engine);
  std::map<std::string, std::string> digests;
  for (const auto& name : services) {
    const ServiceSpec& spec = *op.project.find(name);
    if (!spec.engine.empty())
      throw DefinitionError(spec.defined_at + ": service '" + name + "': engine '" + spec.engine +
                            "': a deploy puts every service on the swarm of the engine boss talks to (-H); "
                            "remove the engine field to deploy it");
    if (digests.count(spec.image)) continue;
    try {
      digests[spec.image] = op.engine.registry_digest(spec.image, op.registry_auth_for(spec));
    } catch (const EngineError& e) {
      throw DefinitionError("service '" + name + "': image '" + spec.image +
                            "' is not in a registry the swarm can pull from (" + first_line(e.what()) + "); " +
                            (spec.build_from_directory.empty() ? "" : "boss push puts it there; ") +
                            "the swarm's nodes pull every image from its registry");
    }
  }
  return digests;
}

std::string ensure_network(Operation& op) {
  const std::string name = deploy_network_name(op.project);
  for (const auto& n : op.engine.list_networks({{kLabelDeploy, op.project.name}}))
    if (n.name == name) return n.id;
  return op.engine.create_overlay_network(name, {{kLabelDeploy, op.project.name}});
}

std::map<std::string, SwarmService> observe_services(Engine& engine, const Project& project) {
  std::map<std::string, SwarmService> by_service;
  for (auto& s : engine.list_services({{kLabelProject, project.name}})) {
    const std::string name = label_of(s.labels, kLabelService);
    by_service[name] = std::move(s);
  }
  return by_service;
}

std::map<std::string, std::string> node_names(Engine& engine) {
  std::map<std::string, std::string> names;
  for (const auto& n : engine.list_nodes()) names[n.id] = n.hostname;
  return names;
}

std::set<std::string> task_ids(const std::vector<SwarmTask>& tasks) {
  std::set<std::string> ids;
  for (const auto& t : tasks) ids.insert(t.id);
  return ids;
}

// One service's way through the deploy, on its walker thread.
class ServiceDeploy {
 public:
  ServiceDeploy(Operation& op, const ServiceSpec& spec, const std::string& digest, const std::string& network,
                std::optional<SwarmService> existing, double timeout)
      : m_op(op), m_spec(spec), m_digest(digest), m_network(network), m_existing(std::move(existing)),
        m_timeout(timeout), m_progress(op.events, spec.name, ActionKind::create) {
    m_progress.set_job(spec.is_job);
  }

  ServiceOutcome run() {
    ServiceOutcome outcome;
    outcome.service = m_spec.name;
    outcome.job = m_spec.is_job;
    try {
      deploy();
      outcome.status = m_action == ActionKind::keep ? Phase::kept : Phase::up;
      outcome.reason = m_reason;
      m_progress.final(outcome.status, m_reason);
    } catch (const ServiceFailure& failure) {
      outcome.status = Phase::failed;
      outcome.reason = failure.reason;
      m_progress.final(Phase::failed, failure.reason);
    } catch (const EngineError& e) {
      outcome.status = Phase::failed;
      outcome.reason = e.what();
      m_progress.final(Phase::failed, e.what());
    } catch (const Interrupted&) {
      outcome.status = Phase::interrupted;
      outcome.began = true;
      m_progress.final(Phase::interrupted, "interrupted");
    }
    outcome.action = m_action;
    outcome.container_id = m_progress.container();
    outcome.seconds = m_progress.elapsed();
    return outcome;
  }

 private:
  DeployDefinition definition() {
    return deploy_definition(m_op.project, m_spec, m_digest, m_op.context.text_snapshot(), m_op.context.secret_keys(),
                             m_network);
  }

  void deploy() {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_timeout));
    std::optional<DeployDefinition> wanted;
    bool pre_started = false;
    try {
      wanted = definition();
    } catch (const UnfilledTemplate& unfilled) {
      // Its own pre_start may set what it reads; nothing else will any more.
      if (!m_spec.has_pre_start)
        throw ServiceFailure{describe_unfilled(unfilled, m_op.context.set_by(unfilled.key)), "", std::nullopt};
      run_service_hook(m_op, m_spec, Hook::pre_start, "", 1, m_progress);
      pre_started = true;
      try {
        wanted = definition();
      } catch (const UnfilledTemplate& again) {
        throw ServiceFailure{describe_unfilled(again, m_op.context.set_by(again.key)), "", std::nullopt};
      }
    }
    auto decision = decide_deploy(*wanted, m_existing);
    m_action = decision.action;
    m_reason = decision.reason;
    m_progress.set_action(m_action);
    std::set<std::string> before;
    std::string id = decision.id;
    if (m_action != ActionKind::keep) {
      if (m_spec.has_pre_start && !pre_started) {
        run_service_hook(m_op, m_spec, Hook::pre_start, "", 1, m_progress);
        wanted = definition();  // what pre_start set counts
      }
      m_progress.phase(Phase::creating, m_reason);
      const RegistryAuth auth = m_op.registry_auth_for(m_spec);
      if (m_action == ActionKind::create) {
        id = m_op.engine.create_service(wanted->spec, auth);
      } else {
        before = task_ids(m_op.engine.list_tasks({id}));
        m_op.engine.update_service(id, decision.version, wanted->spec, auth);
      }
    } else {
      before = task_ids(m_op.engine.list_tasks({id}));
    }
    m_progress.phase(Phase::waiting, m_reason);
    wait_for_tasks(id, wanted->task_hash, before, deadline);
    if (m_action == ActionKind::keep) return;
    if (m_spec.has_ping) ping(deadline);
    if (m_spec.has_post_start) run_service_hook(m_op, m_spec, Hook::post_start, m_progress.container(), 1, m_progress);
  }

  void wait_for_tasks(const std::string& id, const std::string& task_hash, const std::set<std::string>& before,
                      Clock::time_point deadline) {
    const auto nodes = node_names(m_op.engine);
    const int retries = m_spec.is_job ? m_spec.job.retries.limit : 0;
    std::string last;
    for (;;) {
      const auto services = m_op.engine.list_services({{kLabelProject, m_op.project.name}, {kLabelService, m_spec.name}});
      const auto it = std::find_if(services.begin(), services.end(), [&](const SwarmService& s) { return s.id == id; });
      if (it == services.end()) throw ServiceFailure{"its swarm service " + id + " is gone", "", std::nullopt};
      const auto verdict = judge_tasks(*it, m_op.engine.list_tasks({id}), task_hash, m_spec.instances,
                                       m_spec.is_job, retries, before, nodes);
      if (!verdict.container_id.empty()) m_progress.set_container(verdict.container_id);
      if (verdict.state == TasksVerdict::State::ready) return;
      if (verdict.state == TasksVerdict::State::failed) throw ServiceFailure{verdict.reason, "", std::nullopt};
      last = verdict.reason;
      if (Clock::now() + kTaskPoll > deadline)
        throw ServiceFailure{"its tasks were not ready after " + seconds_phrase(m_timeout) + " (" + last + ")", "",
                             std::nullopt};
      if (m_op.cancel.sleep_until(Clock::now() + kTaskPoll)) throw Interrupted("interrupted");
    }
  }

  // Its ping, from this host, until it passes: as start's readiness, without a container
  // boss could inspect in between (the swarm restarts a task that dies).
  void ping(Clock::time_point deadline) {
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_spec.ping_interval));
    std::string last = "not pinged yet";
    for (;;) {
      const auto next = Clock::now() + interval;
      const auto result = m_op.hooks.call(m_spec.name, Hook::ping, m_progress.container(), deadline, m_op.cancel, 1);
      m_op.save_context();
      if (result.status == HookResult::Status::cancelled) throw Interrupted("interrupted");
      if (result.status == HookResult::Status::ok && result.value) return;
      if (result.status == HookResult::Status::error) {
        if (!result.traceback.empty()) m_op.trace(result.traceback);
        throw ServiceFailure{"ping failed: " + first_line(result.error), "", std::nullopt};
      }
      if (result.status == HookResult::Status::ok) last = "ping returned false";
      if (result.status == HookResult::Status::timed_out || next > deadline)
        throw ServiceFailure{"ping timed out after " + seconds_phrase(m_timeout) + " (last: " + last + ")", "",
                             std::nullopt};
      if (m_op.cancel.sleep_until(next)) throw Interrupted("interrupted");
    }
  }

  Operation& m_op;
  const ServiceSpec& m_spec;
  const std::string m_digest;
  const std::string m_network;
  const std::optional<SwarmService> m_existing;
  const double m_timeout;
  ServiceProgress m_progress;
  ActionKind m_action = ActionKind::create;
  std::string m_reason;
};

CommandResult result_of(const Operation& op, const std::string& command) {
  CommandResult result;
  result.command = command;
  result.project = op.project.name;
  return result;
}

}  // namespace

void require_swarm_manager(Engine& engine) {
  const SwarmState state = engine.swarm_state();
  if (state.manager) return;
  const std::string what = state.node_state == "active" ? "a swarm worker, not a manager (deploy to a manager with -H)"
                           : state.node_state.empty() || state.node_state == "inactive"
                               ? "not a swarm manager (`docker swarm init` makes it one, or -H names one)"
                               : "not a swarm manager (its swarm state is " + state.node_state + ")";
  throw DefinitionError("deploy: the engine at " + engine.endpoint() + " is " + what);
}

CommandResult run_deploy(Operation& op, const DeployRequest& request) {
  const auto services = deployed_services(op.project, request.profiles);
  const auto digests = check_deploy(op, services);
  op.events.emit_now(OperationEvent{"deploy", op.project.name, services});
  CommandResult result = result_of(op, "deploy");
  const auto existing = observe_services(op.engine, op.project);
  for (const auto& [name, service] : existing)
    if (!op.project.find(name))
      op.warn("swarm service " + service.name + " belongs to service '" + name +
              "', which services.lua no longer defines; `boss deploy --remove` removes it");
  const std::string network = ensure_network(op);
  for (const auto& name : services) ServiceProgress(op.events, name, ActionKind::create).phase(Phase::queued);

  std::mutex mutex;
  std::map<std::string, ServiceOutcome> outcomes;
  const auto walked = walk_graph(
      services, [&](const std::string& name) { return op.project.find(name)->dependencies; },
      [&](const std::string& name) {
        const ServiceSpec& spec = *op.project.find(name);
        const auto it = existing.find(name);
        ServiceDeploy deploy(op, spec, digests.at(spec.image), network,
                             it == existing.end() ? std::nullopt : std::optional<SwarmService>(it->second),
                             request.timeout);
        ServiceOutcome outcome = deploy.run();
        const bool ok = outcome.status == Phase::up || outcome.status == Phase::kept;
        std::lock_guard lock(mutex);
        outcomes[name] = std::move(outcome);
        return ok;
      },
      op.cancel);
  for (const auto& name : services) {
    if (const auto it = outcomes.find(name); it != outcomes.end()) {
      result.outcomes.push_back(it->second);
      continue;
    }
    ServiceOutcome o;
    o.service = name;
    o.job = op.project.find(name)->is_job;
    const auto status = walked.status.count(name) ? walked.status.at(name) : NodeStatus::cancelled;
    if (status == NodeStatus::skipped) {
      o.status = Phase::skipped;
      o.cause = walked.skipped_because.count(name) ? walked.skipped_because.at(name) : "";
      o.reason = "dependency '" + o.cause + "' failed";
    } else {
      o.status = Phase::interrupted;
      o.reason = "interrupted";
    }
    ServiceProgress(op.events, name, ActionKind::create).final(o.status, o.reason);
    result.outcomes.push_back(std::move(o));
  }
  result.interrupted = op.cancel.requested();
  op.save_context();
  return result;
}

CommandResult run_deploy_remove(Operation& op) {
  require_swarm_manager(op.engine);
  CommandResult result = result_of(op, "deploy");
  auto existing = observe_services(op.engine, op.project);
  std::vector<std::string> names;  // dependents first, then what services.lua no longer has
  for (const auto& name : select_for_stop(op.project, {}, {}))
    if (existing.count(name)) names.push_back(name);
  for (const auto& [name, service] : existing)
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  op.events.emit_now(OperationEvent{"deploy", op.project.name, names});
  std::vector<std::string> ids;
  for (const auto& name : names) {
    const SwarmService& service = existing.at(name);
    ServiceProgress progress(op.events, name, ActionKind::remove);
    ServiceOutcome outcome;
    outcome.service = name;
    outcome.action = ActionKind::remove;
    try {
      progress.phase(Phase::stopping);
      op.engine.remove_service(service.id);
      outcome.status = Phase::removed;
      ids.push_back(service.id);
      result.removed.push_back({"service", service.name});
    } catch (const EngineError& e) {
      outcome.status = Phase::failed;
      outcome.reason = e.what();
    }
    progress.final(outcome.status, outcome.reason);
    result.outcomes.push_back(std::move(outcome));
  }
  // The network goes once no task of the removed services holds it any more.
  for (const auto& n : op.engine.list_networks({{kLabelDeploy, op.project.name}})) {
    const auto deadline = Clock::now() + kNetworkRelease;
    for (;;) {
      try {
        op.engine.remove_network(n.id);
        // The manager's own copy lingers for a few seconds after the swarm's is gone; a
        // deploy right after must not find it.
        const auto gone = [&] {
          const auto left = op.engine.list_networks({{kLabelDeploy, op.project.name}});
          return std::none_of(left.begin(), left.end(), [&](const NetworkInfo& l) { return l.id == n.id; });
        };
        while (!gone() && Clock::now() < deadline)
          if (op.cancel.sleep_until(Clock::now() + kTaskPoll)) break;
        result.removed.push_back({"network", n.name});
        break;
      } catch (const EngineError& e) {
        if (Clock::now() > deadline) {
          result.error = "network " + n.name + " stays: " + first_line(e.what());
          op.warn(result.error);
          break;
        }
      }
      if (op.cancel.sleep_until(Clock::now() + kTaskPoll)) {
        result.interrupted = true;
        break;
      }
    }
  }
  return result;
}

namespace {

DeployStatus read_status(Engine& engine, const Project& project) {
  std::vector<SwarmService> services;
  std::vector<std::string> ids;
  for (auto& s : engine.list_services({{kLabelProject, project.name}})) {
    ids.push_back(s.id);
    services.push_back(std::move(s));
  }
  const auto tasks = ids.empty() ? std::vector<SwarmTask>{} : engine.list_tasks(ids);
  std::string network;
  for (const auto& n : engine.list_networks({{kLabelDeploy, project.name}})) network = n.name;
  return deploy_status(project, services, tasks, engine.list_nodes(), network);
}

}  // namespace

DeployStatus read_deploy_status(Engine& engine, const Project& project) {
  require_swarm_manager(engine);
  return read_status(engine, project);
}

std::optional<DeployStatus> deployed_status(Engine& engine, const Project& project) {
  if (!engine.swarm_state().manager) return std::nullopt;
  auto status = read_status(engine, project);
  if (status.services.empty()) return std::nullopt;
  return status;
}

}  // namespace boss
