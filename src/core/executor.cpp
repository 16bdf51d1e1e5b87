#include "core/executor.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <thread>

#include "core/container_watch.h"
#include "core/create_ahead.h"
#include "core/errors.h"
#include "core/engine_gate.h"
#include "core/work_pool.h"
#include "core/graph.h"
#include "core/image_provider.h"
#include "core/instances.h"
#include "core/job_run.h"
#include "core/readiness.h"
#include "core/restart_policy.h"
#include "core/service_failure.h"
#include "core/service_hook.h"
#include "core/service_progress.h"
#include "core/sidecar_run.h"
#include "core/template.h"
#include "core/validate.h"
#include "core/walker.h"

namespace boss {

std::string container_name(const Project& project, const std::string& service, int instance) {
  return project.container_name(instance_host(service, instance));
}

std::string collision_free_name(const Project& project, const std::string& service, int instance) {
  // "ncp" + "q-r" and "ncp-q" + "r" both want "ncp-q-r": a hash of the pair tells them apart.
  return container_name(project, service, instance) + "-" + fnv1a_hex(project.name + "\n" + service).substr(0, 8);
}

double grace_for(const ExecuteOptions& options, const ServiceSpec* spec) {
  if (options.stop_timeout) return *options.stop_timeout;
  return spec && spec->stop_timeout ? *spec->stop_timeout : kDefaultStopTimeout;
}

std::string run_pre_stop(Operation& op, const ServiceSpec& spec, const std::string& container_id,
                         ServiceProgress& progress) {
  if (!spec.has_pre_stop) return "";
  progress.hook(hook_name(Hook::pre_stop));
  const auto deadline = std::chrono::steady_clock::now() + kPreStopTimeout;
  const auto result = op.hooks.call(spec.name, Hook::pre_stop, container_id, deadline, op.cancel,
                                    instance_number(progress.instance()));
  op.save_context();
  std::string warning;
  switch (result.status) {
    case HookResult::Status::ok: return "";
    case HookResult::Status::cancelled: warning = "pre_stop interrupted"; break;
    case HookResult::Status::timed_out:
      warning = "pre_stop timed out after " + std::to_string(kPreStopTimeout.count()) + " s";
      break;
    case HookResult::Status::error:
      if (!result.traceback.empty()) op.trace(result.traceback);
      warning = "pre_stop failed: " + first_line(result.error);
      break;
  }
  op.warn("service '" + spec.name + "': " + warning + "; stopping it all the same");
  return warning;
}

namespace {

std::string trim_logs(std::string logs) {
  while (!logs.empty() && std::isspace(static_cast<unsigned char>(logs.back()))) logs.pop_back();
  // Cap in bytes as well as lines: a service that logs one huge line must not flood.
  constexpr std::size_t kMaxBytes = 4000;
  if (logs.size() <= kMaxBytes) return logs;
  return "..." + logs.substr(logs.size() - kMaxBytes);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

}  // namespace

ContainerSpec container_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config,
                             int instance) {
  ContainerSpec c;
  c.name = container_name(project, spec.name, instance);
  c.image = spec.image;  // the name, so `docker ps` reads well; the id is in boss.config
  c.env = config.env;
  c.cmd = config.cmd;
  c.entrypoint = config.entrypoint;
  c.user = config.user;
  c.working_dir = config.working_dir;
  c.init = config.init;
  c.mem_limit = config.mem_limit;
  c.stop_signal = config.stop_signal;
  c.stop_timeout = config.stop_timeout;
  c.healthcheck = config.healthcheck;
  c.restart = parse_restart_policy(config.restart).value_or(RestartPolicy{});
  for (const auto& p : config.ports) c.ports.push_back({p.container_port, p.protocol, p.host_port, p.host_ip});
  for (const auto& v : config.volumes) c.binds.push_back({v.source, v.target, v.mode});
  c.network = project.network_name();
  c.aliases = {spec.name};
  if (instance > 0) c.aliases.push_back(instance_host(spec.name, instance));
  c.hostname = hostname_for(instance_host(spec.name, instance));
  c.labels = config.labels;  // validate_project keeps the user's out of boss.*
  c.labels.insert({{kLabelProject, project.name},
              {kLabelService, spec.name},
              {kLabelInstance, std::to_string(instance_number(instance))},
              {kLabelConfigHash, config.hash()},
              {kLabelConfig, config.canonical()}});
  if (!spec.dependencies.empty()) c.labels[kLabelDependencies] = joined(spec.dependencies);
  return c;
}

void create_named_volumes(Operation& op, EngineGate& gate, const DesiredConfig& config) {
  for (const auto& v : config.volumes) {
    if (!v.named) continue;
    const auto slot = gate.enter(op.cancel);
    op.engine.create_volume(v.source, {{kLabelProject, op.project.name}, {kLabelVolume, v.volume}});
  }
}

namespace {

std::string label(const Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

// Where the work on a service got to, for an honest word when it is interrupted.
enum class Stage { waiting_turn, image, hooks_before, replacing, creating, readying, done };

// One instance of a service of a start plan, from its image to ready.
class StartTask {
 public:
  // `job_runs`: bounds the job runs going at once (--parallel); null: no bound.
  // `ahead`: the containers created ahead (create_ahead.h); null: none.
  StartTask(Operation& op, const ServiceSpec& spec, const Decision& planned, const Observed& observed,
            ImageProvider& images, EngineGate& gate, const ExecuteOptions& options, EngineGate* job_runs,
            AheadCreates* ahead)
      : m_op(op), m_spec(spec), m_planned(planned), m_number(instance_number(planned.instance)),
        m_key(instance_key(spec.name, planned.instance)), m_existing(observed.of(spec.name, m_number)),
        m_observed(observed), m_images(images), m_gate(gate), m_job_runs(job_runs), m_ahead(ahead),
        m_options(options),
        m_progress(op.events, spec.name, planned.kind, planned.instance) {
    m_progress.set_job(spec.is_job);
  }

  ServiceOutcome run() {
    ServiceOutcome outcome;
    outcome.service = m_spec.name;
    outcome.instance = m_planned.instance;
    outcome.action = m_planned.kind;
    outcome.began = true;
    outcome.job = m_spec.is_job;
    try {
      run_steps(outcome);
    } catch (const ServiceFailure& f) {
      fail(outcome, f);
    } catch (const EngineError& e) {
      fail(outcome, ServiceFailure{e.what(), m_container, std::nullopt});
    } catch (const Interrupted&) {
      if (m_sidecars) m_sidecars->remove();
      outcome.status = Phase::interrupted;
      outcome.reason = interrupted_reason();
      if (m_start_first && !m_swapped) {
        drop_new_container();
        m_container.clear();
        outcome.reason = "interrupted before its replacement was ready; the running container was kept";
        outcome.left_running = true;
      }
      m_progress.final(Phase::interrupted, outcome.reason);
    }
    outcome.container_id = m_container;
    outcome.seconds = m_progress.elapsed();
    return outcome;
  }

 private:
  void run_steps(ServiceOutcome& outcome) {
    check_cancel();
    std::string image_id;
    Decision decision = m_planned;
    if (m_options.restart) {
      // Restart works on the containers as they are: no image, no new decision.
      if (decision.kind == ActionKind::none)
        throw ServiceFailure{"no container to restart (`boss start` creates it)", "", std::nullopt};
    } else {
      m_stage = Stage::image;
      image_id = m_images.ensure(m_spec, m_progress);
      check_cancel();
      m_stage = Stage::hooks_before;
      decision = decide_now(image_id);
    }
    outcome.action = decision.kind;
    outcome.reason = decision.reason;
    m_start_first = decision.start_first;
    m_progress.set_action(decision.kind);
    if (decision.kind == ActionKind::keep) {
      for (const auto& step : steps_for(decision, m_spec)) run_step(step, decision, image_id);
      m_container = decision.container_id;
      m_stage = Stage::done;
      outcome.status = Phase::kept;
      m_progress.set_container(m_container);
      if (m_spec.is_job) {
        // Done before: its last exit code is what the summary says of it.
        outcome.exit_code = observed_exit_code(decision.container_id);
        m_progress.final(Phase::kept, decision.reason, {}, outcome.exit_code);
        return;
      }
      outcome.ports = observed_ports(decision.container_id);
      m_progress.final(Phase::kept, decision.reason, outcome.ports);
      return;
    }
    std::string ready_note;
    for (const auto& step : steps_for(decision, m_spec)) {
      if (m_start_first && !m_swapped && step.kind == StepKind::rename) {
        // start_first: ready, so up now; the names and the old one's stop come after.
        report_up(outcome, ready_note);
        m_swapped = true;
      }
      if (m_swapped) {
        swap_step(step, decision, outcome);
        continue;
      }
      const auto note = run_step(step, decision, image_id);
      if (step.kind == StepKind::wait_ready) ready_note = note;
    }
    if (!m_swapped) report_up(outcome, ready_note);
  }

  // Ready: the journal forgets it and its final event says up, with what readiness said,
  // the warnings so far and its ports.
  void report_up(ServiceOutcome& outcome, const std::string& ready_note) {
    m_op.journal.clear(m_key);
    m_stage = Stage::done;
    outcome.status = Phase::up;
    if (!ready_note.empty()) outcome.reason = ready_note;
    if (!m_warning.empty()) outcome.reason += (outcome.reason.empty() ? "" : "; ") + m_warning;
    m_warning.clear();
    if (m_job) {
      // Done: its exit code and runs are what the summary says of it; no ports to show.
      outcome.exit_code = m_job->exit_code;
      outcome.attempts = m_job->attempts;
      outcome.log_file = m_job->log_file;
      m_progress.final(Phase::up, outcome.reason, {}, outcome.exit_code, outcome.attempts);
      return;
    }
    outcome.ports = current_ports();
    m_progress.final(Phase::up, outcome.reason, outcome.ports);
  }

  // start_first, after its final event (no more phases): the rename and the old one's
  // stop. What goes wrong, Ctrl-C included, is a warning: the new one is up either way,
  // and an old one left running is a stale container the next start removes.
  void swap_step(const Step& step, const Decision& decision, ServiceOutcome& outcome) {
    std::string problem;
    try {
      if (step.kind == StepKind::rename)
        take_own_name(decision.container_id);
      else
        run_step(step, decision, "");
    } catch (const ServiceFailure& f) {
      problem = f.reason;
    } catch (const EngineError& e) {
      problem = e.what();
    } catch (const Interrupted&) {
      problem = "interrupted";
    }
    if (!problem.empty())
      add_warning(step.kind == StepKind::rename
                      ? "not renamed: " + problem
                      : "its old container " + step.container_id.substr(0, 12) + " was not removed: " + problem);
    if (m_warning.empty()) return;
    m_op.warn("service '" + m_spec.name + "': " + m_warning);
    outcome.reason += (outcome.reason.empty() ? "" : "; ") + m_warning;
    m_warning.clear();
  }

  Decision decide_now(const std::string& image_id) {
    DecideInput input{m_spec, m_existing, std::nullopt, "", "", m_op.journal.pending(m_key)};
    try {
      input.desired = desired_config(m_spec, image_id, m_op.context.text_snapshot(), m_op.context.secret_keys());
    } catch (const UnfilledTemplate& u) {
      // pre_start may set it: then the service gets a new container, filled after pre_start.
      if (!m_spec.has_pre_start) throw ServiceFailure{describe_unfilled(u, m_op.context.set_by(u.key)), "", {}};
      input.unfilled_reason = describe_unfilled(u, m_op.context.set_by(u.key));
    }
    input.forced_reason = forced_replacement(m_spec, m_options.forced.count(m_spec.name) > 0,
                                             m_observed.network_present(), m_existing);
    input.rerun = m_options.rerun.count(m_spec.name) > 0;
    input.new_first = m_options.new_first.count(m_spec.name) > 0;
    if (m_spec.has_did_run && !input.rerun)
      input.did_run = run_hook(Hook::did_run, m_existing.empty() ? "" : m_existing.front().id);
    Decision decision = decide(input);
    decision.instance = m_planned.instance;
    return decision;
  }

  // Runs one step; returns what wait_ready says of the service ("" otherwise).
  std::string run_step(const Step& step, const Decision& decision, const std::string& image_id) {
    check_cancel();
    switch (step.kind) {
      case StepKind::pre_start:
        run_hook(Hook::pre_start);
        return "";
      case StepKind::remove_old:
        // After the swap the service is up already: no phase, its final event was said.
        if (!m_swapped) {
          m_stage = Stage::replacing;
          m_progress.phase(Phase::removing, step.container_id.substr(0, 12));
        }
        if (running(step.container_id)) add_warning(run_pre_stop(m_op, m_spec, step.container_id, m_progress));
        engine_step([&] {
          // Stopped first, so the old process gets its stop signal and a grace period.
          m_op.engine.stop_container(step.container_id, grace_for(m_options, &m_spec));
          m_op.engine.remove_container(step.container_id);
        });
        if (m_rename_when_gone) rename_to_own_name();
        return "";
      case StepKind::create:
        m_stage = Stage::creating;
        create(image_id, decision.reason);
        return "";
      case StepKind::start:
        if (!step.container_id.empty()) {
          m_stage = Stage::readying;
          m_container = step.container_id;
          m_progress.set_container(m_container);
          m_op.journal.mark(m_key, {m_container, "ping"});
        }
        if (m_spec.is_job && m_job_runs && !decision.running) {
          m_progress.phase(Phase::queued, "waiting for a job run slot (--parallel " +
                                              std::to_string(m_options.parallel) + ")");
          m_run_slot.emplace(m_job_runs->enter(m_op.cancel));
        }
        if (m_spec.is_job && !m_spec.sidecars.empty()) {
          // Up before the job's process begins, so it reaches them from its first moment.
          m_sidecars.emplace(m_op, m_spec, m_images, m_gate, m_options.ping_timeout);
          if (decision.running)
            m_sidecars->adopt();
          else
            m_sidecars->start();
        }
        m_progress.phase(Phase::starting, decision.reason);
        if (m_spec.is_job && !step.container_id.empty()) m_previous_end = finished_at(m_container);
        // Followed from before its start, so no event of this run is missed.
        if (m_op.watch) m_op.watch->starting(m_container);
        engine_step([&] { m_op.engine.start_container(m_container); });
        return "";
      case StepKind::wait_ready:
        if (m_spec.is_job) {
          // However the run ends, its sidecars go before its outcome is told, and then
          // its run slot (declared first: freed last).
          struct FreeSlot {
            std::optional<EngineGate::Slot>& slot;
            ~FreeSlot() { slot.reset(); }
          } free_slot{m_run_slot};
          struct RemoveSidecars {
            std::optional<SidecarRun>& sidecars;
            ~RemoveSidecars() {
              if (sidecars) sidecars->remove();
            }
          } remove_sidecars{m_sidecars};
          m_job = run_job(m_op, m_spec, m_container, m_progress,
                          m_spec.has_post_run ? AfterRun([&](int exit_code) {
                            run_hook(Hook::post_run, std::nullopt, exit_code);
                          })
                                              : AfterRun(),
                          RunLogging{m_options.keep_runs, m_previous_end});
          return "";
        }
        return wait_until_ready(m_op, m_spec, m_container, m_options.ping_timeout, m_progress, &m_seen);
      case StepKind::post_start:
        run_hook(Hook::post_start);
        return "";
      case StepKind::stop:
        // A restart's: its pre_stop, then the stop signal and its grace.
        m_stage = Stage::readying;
        m_container = step.container_id;
        m_progress.set_container(m_container);
        add_warning(run_pre_stop(m_op, m_spec, m_container, m_progress));
        m_progress.phase(Phase::stopping);
        engine_step([&] { m_op.engine.stop_container(m_container, grace_for(m_options, &m_spec)); });
        return "";
      case StepKind::rename:
        break;  // start_first's, after the swap (swap_step)
      case StepKind::remove:
        break;  // not part of a start
    }
    return "";
  }

  // Creates its container (or takes the one created ahead); `reason`: the decision's.
  void create(const std::string& image_id, const std::string& reason) {
    DesiredConfig config;
    try {
      config = desired_config(m_spec, image_id, m_op.context.text_snapshot(), m_op.context.secret_keys());
    } catch (const UnfilledTemplate& u) {
      throw ServiceFailure{describe_unfilled(u, m_op.context.set_by(u.key)), "", {}};
    }
    if (m_ahead)
      if (auto id = m_ahead->take(m_spec.name, m_planned.instance, config.hash())) {
        m_progress.phase(Phase::creating, reason.empty() ? "created ahead" : reason + " (created ahead)");
        m_container = *id;
        m_progress.set_container(m_container);
        m_stage = Stage::readying;
        after_create();
        return;  // the journal has it already
      }
    m_progress.phase(Phase::creating, m_start_first ? (reason.empty() ? "" : reason + "; ") + "beside the running one"
                                                    : reason);
    ContainerSpec spec = container_spec(m_op.project, m_spec, config, m_planned.instance);
    // Its own name is the running one's until that one goes (rename_to_own_name).
    if (m_start_first) spec.name += "-next";
    try {
      create_named_volumes(m_op, m_gate, config);
    } catch (const EngineError& e) {
      throw ServiceFailure{e.what(), "", {}};
    }
    try {
      const auto slot = m_gate.enter(m_op.cancel);
      m_container = m_op.engine.create_container(spec);
    } catch (const EngineError& e) {
      if (e.status() != 409) throw ServiceFailure{e.what(), "", {}};
      spec.name = name_after_conflict(spec.name);
      engine_step([&] { m_container = m_op.engine.create_container(spec); });
    }
    m_progress.set_container(m_container);
    m_stage = Stage::readying;
    // Recorded before it starts: if boss stops before it is ready, the next start
    // replaces it with all hooks instead of keeping it.
    m_op.journal.mark(m_key, {m_container, "post_start"});
    after_create();
  }

  void after_create() {
    if (!m_options.after_create) return;
    try {
      m_options.after_create(m_spec.name, m_container);
    } catch (const EngineError& e) {
      throw ServiceFailure{e.what(), m_container, std::nullopt};
    }
  }

  // start_first, up: the old container `old_id`, running still, steps aside as
  // `<name>-old` when it holds the name, and the new one takes the name at once; when it
  // cannot step aside, the new one takes the name once the old one is gone.
  void take_own_name(const std::string& old_id) {
    const std::string name = container_name(m_op.project, m_spec.name, m_planned.instance);
    const auto old = std::find_if(m_existing.begin(), m_existing.end(),
                                  [&](const ContainerInfo& c) { return c.id == old_id; });
    if (old != m_existing.end() && old->name == name) {
      try {
        const auto slot = m_gate.enter(m_op.cancel);
        m_op.engine.rename_container(old_id, name + "-old");
      } catch (const EngineError& e) {
        m_op.trace("service '" + m_spec.name + "': the old container keeps its name until it is removed: " +
                   e.what());
        m_rename_when_gone = true;
        return;
      }
    }
    rename_to_own_name();
  }

  // start_first: the name is free; the new one takes it. Names are for people only (boss
  // finds containers by their labels): a failure is a warning.
  void rename_to_own_name() {
    const std::string name = container_name(m_op.project, m_spec.name, m_planned.instance);
    try {
      const auto slot = m_gate.enter(m_op.cancel);
      m_op.engine.rename_container(m_container, name);
    } catch (const EngineError& e) {
      add_warning("not renamed to " + name + ": " + e.what());
    }
  }

  // start_first, failed or interrupted before the swap: the new container goes, the
  // running one stays as it was.
  void drop_new_container() {
    if (!m_start_first || m_swapped || m_container.empty()) return;
    try {
      m_op.engine.stop_container(m_container, 0);
      m_op.engine.remove_container(m_container);
      m_op.journal.clear(m_key);
    } catch (const EngineError& e) {
      m_op.warn("service '" + m_spec.name + "': could not remove its unready new container " + m_container.substr(0, 12) +
                ": " + e.what());
    }
  }

  // The name is taken. Another project's (or service's) container may hold it: then
  // this one takes a name that cannot collide. Anything else is the user's to sort out.
  std::string name_after_conflict(const std::string& name) {
    std::optional<ContainerState> holder;
    try {
      holder = m_op.engine.inspect_container(name);
    } catch (const EngineError& e) {
      throw ServiceFailure{e.what(), "", {}};
    }
    const std::string owner = holder ? label(holder->labels, kLabelProject) : "";
    if (holder && owner.empty())
      throw ServiceFailure{"a container named '" + name + "' exists and is not managed by boss: remove it (docker rm -f " +
                               name + ") or use another project name (-p)",
                           "", {}};
    if (holder && owner == m_op.project.name && label(holder->labels, kLabelService) == m_spec.name &&
        instance_of(holder->labels) == m_number)
      throw ServiceFailure{"container '" + name + "' of this service appeared while boss was creating it", "", {}};
    m_op.trace("container name " + name + " is held by " +
               (owner.empty() ? std::string("a removed container") : "project '" + owner + "'") + "; using " +
               collision_free_name(m_op.project, m_spec.name, m_planned.instance));
    return collision_free_name(m_op.project, m_spec.name, m_planned.instance);
  }

  // Runs `hook` on `container` (default: the one worked on); returns what it returned as
  // a truth value.
  bool run_hook(Hook hook, std::optional<std::string> container = std::nullopt,
                std::optional<int> exit_code = std::nullopt) {
    return run_service_hook(m_op, m_spec, hook, container.value_or(m_container), m_number, m_progress, exit_code);
  }

  // A container call, through the gate.
  template <typename F>
  void engine_step(F&& step) {
    const auto slot = m_gate.enter(m_op.cancel);
    try {
      step();
    } catch (const EngineError& e) {
      throw ServiceFailure{e.what(), m_container, {}};
    }
  }

  void check_cancel() const {
    if (m_op.cancel.requested()) throw Interrupted("interrupted");
  }

  bool running(const std::string& id) const {
    for (const auto& c : m_existing)
      if (c.id == id) return c.running();
    return false;
  }

  void add_warning(const std::string& warning) {
    if (!warning.empty()) m_warning += (m_warning.empty() ? "" : "; ") + warning;
  }

  // When a container's last run ended ("" when unknown), before it is started again.
  std::string finished_at(const std::string& id) {
    try {
      if (const auto state = m_op.engine.inspect_container(id)) return state->finished_at;
    } catch (const EngineError&) {
      // Its first run's log then holds its earlier output too.
    }
    return "";
  }

  std::optional<int> observed_exit_code(const std::string& id) const {
    for (const auto& c : m_existing)
      if (c.id == id) return c.exit_code;
    return std::nullopt;
  }

  std::vector<PublishedPort> observed_ports(const std::string& id) const {
    for (const auto& c : m_existing)
      if (c.id == id) return c.ports;
    return {};
  }

  // The ports of the started container: from readiness's last inspect if it made one.
  std::vector<PublishedPort> current_ports() {
    if (m_seen) return m_seen->ports;
    try {
      if (auto state = m_op.engine.inspect_container(m_container)) return state->ports;
    } catch (const EngineError&) {
      // The summary goes without ports; the service is up all the same.
    }
    return {};
  }

  void fail(ServiceOutcome& outcome, const ServiceFailure& f) {
    if (m_sidecars) m_sidecars->remove();
    m_run_slot.reset();
    outcome.status = Phase::failed;
    outcome.reason = f.reason;
    const bool kept = m_start_first && !m_swapped;
    outcome.exit_code = f.exit_code;
    outcome.attempts = f.attempts;
    outcome.log_file = f.log_file;
    if (!f.container_id.empty()) {
      try {
        outcome.logs = trim_logs(m_op.engine.logs_tail(f.container_id, 20));
      } catch (const EngineError&) {
        // No log tail; the reason stands on its own.
      }
    }
    if (kept) {
      drop_new_container();
      m_container.clear();
      outcome.reason += "; the running container was kept";
      outcome.left_running = true;
    }
    m_progress.final(Phase::failed, outcome.reason, {}, f.exit_code, f.attempts);
  }

  std::string interrupted_reason() const {
    const bool had_container = !m_existing.empty();
    switch (m_stage) {
      case Stage::waiting_turn:
      case Stage::image:
        return had_container ? "interrupted while fetching its image; its container was left as it was"
                             : "interrupted while fetching its image; no container was made";
      case Stage::hooks_before:
        return had_container ? "interrupted before its container was replaced; it was left as it was"
                             : "interrupted before its container was made";
      case Stage::replacing:
      case Stage::creating:
        return m_container.empty() ? "interrupted while replacing its container; no new one was made"
                                   : "interrupted; its new container stays, and the next start replaces it";
      case Stage::readying:
        return "interrupted before it was ready; its container stays, and the next start checks it again";
      case Stage::done:
        break;
    }
    return "interrupted";
  }

  Operation& m_op;
  const ServiceSpec& m_spec;
  const Decision& m_planned;
  const int m_number;         // the instance number (labels, hooks)
  const std::string m_key;    // the instance in the start journal
  const std::vector<ContainerInfo> m_existing;  // this instance's
  const Observed& m_observed;
  ImageProvider& m_images;
  EngineGate& m_gate;
  EngineGate* m_job_runs;
  AheadCreates* m_ahead;
  std::optional<EngineGate::Slot> m_run_slot;  // a job's run, held from its start to its end
  const ExecuteOptions& m_options;
  ServiceProgress m_progress;
  std::string m_container;
  std::optional<ContainerState> m_seen;  // the started container, as readiness last saw it
  std::optional<JobRun> m_job;           // a job's run that succeeded
  std::string m_previous_end;            // a reused job container's last run's end (run logs)
  std::optional<SidecarRun> m_sidecars;  // a job's run's sidecars, from its start to its end
  std::string m_warning;  // what went wrong on the way without failing it (pre_stop)
  bool m_start_first = false;  // the decision's: the new container is readied beside the old
  bool m_swapped = false;      // start_first: the new one is up and the old one going
  bool m_rename_when_gone = false;  // start_first: the old one kept its name; renamed after it
  Stage m_stage = Stage::waiting_turn;
};

// One instance of a service of a stop plan, or one that a start scales down (`scale_down`:
// the decision's reason is the outcome's).
ServiceOutcome run_stop(Operation& op, const Decision& d, EngineGate& gate, const ExecuteOptions& options,
                        bool scale_down = false) {
  ServiceProgress progress(op.events, d.service, d.kind, d.instance);
  ServiceOutcome outcome;
  outcome.service = d.service;
  outcome.instance = d.instance;
  outcome.action = d.kind;
  outcome.began = true;
  outcome.status = d.kind == ActionKind::remove ? Phase::removed : Phase::stopped;
  outcome.reason = scale_down                   ? d.reason
                  : d.kind == ActionKind::none ? (d.reason == "not running" ? "was not running" : d.reason)
                  : d.stop.empty()             ? "was not running"
                                               : "";
  const ServiceSpec* spec = op.project.find(d.service);
  const double grace = grace_for(options, spec);
  try {
    for (const auto& step : steps_for(d, ServiceSpec{})) {
      progress.set_container(step.container_id);
      outcome.container_id = step.container_id;
      if (step.kind == StepKind::stop && spec) {
        const auto warning = run_pre_stop(op, *spec, step.container_id, progress);
        if (!warning.empty()) outcome.reason = warning;
      }
      const auto slot = gate.enter(Cancel::never());  // a stop begun is finished
      if (step.kind == StepKind::stop) {
        progress.phase(Phase::stopping);
        if (op.engine.stop_container(step.container_id, grace).killed) {
          outcome.killed = true;
          outcome.reason = (outcome.reason.empty() ? "" : outcome.reason + "; ") + "killed after " +
                           seconds_text(grace) + ": it did not stop on its stop signal";
        }
      } else if (step.kind == StepKind::remove) {
        op.engine.remove_container(step.container_id);
      }
    }
    progress.final(outcome.status, outcome.reason);
  } catch (const EngineError& e) {
    outcome.status = Phase::failed;
    outcome.reason = e.what();
    progress.final(Phase::failed, outcome.reason);
  }
  outcome.seconds = progress.elapsed();
  return outcome;
}

// Makes sure the project network exists, removing duplicates left by a race of two boss
// runs (or stale names).
void ensure_network(Operation& op, const Observed& observed) {
  bool found = false;
  for (const auto& n : observed.networks) {
    if (n.name == observed.network_name && !found) {
      found = true;
      continue;
    }
    try {
      op.engine.remove_network(n.id);
    } catch (const EngineError& e) {
      op.warn("could not remove stale network " + n.name + ": " + e.what());
    }
  }
  if (found) return;
  op.engine.create_network(observed.network_name, {{kLabelProject, op.project.name}});
  op.trace("created network " + observed.network_name);
}

// The project-wide steps of a plan (stop --remove of the whole project, down, prune,
// start --remove-orphans), each recorded in `result.removed` once done. What cannot be
// removed is a warning, never a reason to lose the summary.
void try_remove(Operation& op, CommandResult& result, const char* kind, const std::string& name,
                const std::function<void()>& remove) {
  try {
    remove();
    result.removed.push_back({kind, name});
  } catch (const EngineError& e) {
    op.warn(std::string("could not remove ") + kind + " " + name + ": " + e.what());
  }
}

void remove_orphans(Operation& op, const Plan& plan, CommandResult& result) {
  for (const auto& name : plan.remove_orphans)
    try_remove(op, result, "container", name, [&] {
      op.engine.stop_container(name, 10);
      op.engine.remove_container(name);
    });
}

void remove_project_resources(Operation& op, const Plan& plan, CommandResult& result) {
  auto try_remove = [&](const char* kind, const std::string& name, const std::function<void()>& remove) {
    boss::try_remove(op, result, kind, name, remove);
  };
  remove_orphans(op, plan, result);
  for (const auto* names : {&plan.remove_one_offs, &plan.remove_launched})
    for (const auto& name : *names)
    try_remove("container", name, [&] {
      op.engine.stop_container(name, 10);
      op.engine.remove_container(name);
    });
  for (const auto& name : plan.remove_networks)
    try_remove("network", name, [&] {
      // The engine may still be releasing the endpoints of containers just removed
      // ("has active endpoints"): give it a moment before calling that a failure.
      for (int attempt = 0;; ++attempt) {
        try {
          op.engine.remove_network(name);
          return;
        } catch (const EngineError& e) {
          if (e.status() != 403 && e.status() != 409) throw;
          if (attempt == 20 || op.cancel.sleep_for(std::chrono::milliseconds(100))) throw;
        }
      }
    });
  for (const auto& name : plan.remove_volumes) try_remove("volume", name, [&] { op.engine.remove_volume(name); });
  for (const auto& name : plan.remove_images) try_remove("image", name, [&] { op.engine.remove_image(name); });
  if (plan.remove_state) {
    op.context.remove_file();
    op.journal.remove_file();
  }
}

// What to say of a service the walk never began.
ServiceOutcome not_begun(const Decision& d, const Observed& observed, bool stop_plan, NodeStatus status,
                         const std::string& cause) {
  ServiceOutcome o;
  o.service = d.service;
  o.instance = d.instance;
  o.action = d.kind;
  if (status == NodeStatus::skipped) {
    o.status = Phase::skipped;
    o.cause = cause;
    o.reason = "dependency '" + cause + "' failed";
    return o;
  }
  o.status = Phase::interrupted;
  const auto containers = observed.of(d.service, instance_number(d.instance));
  const bool running =
      std::any_of(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); });
  if (stop_plan)
    o.reason = running ? "not stopped: interrupted before its turn" : "interrupted before its turn (it was not running)";
  else
    o.reason = running              ? "interrupted before its turn; left running as it was"
               : containers.empty() ? "interrupted before its turn; not started"
                                    : "interrupted before its turn; left stopped";
  return o;
}

// When services failed because the engine itself went away (killed, restarted, its socket
// gone), each failure says so in its own words; the result says it once, as the cause.
void note_engine_gone(Operation& op, CommandResult& result) {
  try {
    op.engine.ping();
  } catch (const EngineError& e) {
    if (e.status() != 0) return;  // it answered, with an error: it is there
    result.error = "the engine stopped answering during the " + result.command + " (" + e.what() +
                   "); once it is back, run the same command again: it picks up from what is there";
  }
}

}  // namespace

Execution execute(Operation& op, const Plan& plan, const Observed& observed, const ExecuteOptions& options) {
  Execution execution;
  CommandResult& result = execution.result;
  result.command = plan.command;
  result.project = plan.project;
  const bool stop_plan = plan.stops();
  const DependencyGraph graph(op.project);
  // A service's instances are one node of the walk: its dependents wait for all of them.
  std::map<std::string, std::vector<const Decision*>> decisions;
  std::vector<std::string> order;
  for (const auto& d : plan.services) {
    if (decisions[d.service].empty()) order.push_back(d.service);
    decisions[d.service].push_back(&d);
  }

  ImageProvider images(op, observed.image_ids, options.rebuild);
  // One bound per engine: engines on other hosts work in parallel, each kept busy.
  std::vector<std::unique_ptr<EngineGate>> gates;
  for (std::size_t i = 0; i < op.engine.engine_count(); ++i) gates.push_back(std::make_unique<EngineGate>(options.parallel));
  std::optional<EngineGate> job_runs;
  if (options.parallel > 0) job_runs.emplace(options.parallel);
  std::vector<std::thread> prefetch;
  if (!stop_plan) remove_orphans(op, plan, result);
  if (!stop_plan && !options.restart && !plan.services.empty()) {
    ensure_network(op, observed);
    // Missing images are fetched right away, in parallel with the dependencies coming up,
    // instead of when their service's turn comes; a service whose image is still being
    // fetched waits for it.
    std::set<std::string> fetching;
    for (const auto& name : order) {
      const ServiceSpec& spec = *op.project.find(name);
      if (!images.needs_fetch(spec) || !fetching.insert(spec.image).second) continue;
      const Decision& first = *decisions[name].front();
      prefetch.emplace_back([&op, &images, &spec, action = first.kind, instance = first.instance] {
        ServiceProgress progress(op.events, spec.name, action, instance);
        try {
          images.ensure(spec, progress);
        } catch (...) {
          // Remembered by the provider; the service's own task reports it.
        }
      });
    }
  }

  // Most of a service's turn is waiting (its readiness, a hook, a gate slot): a few
  // workers per slot keep every engine busy without a thread per service.
  const std::size_t slots = options.parallel ? options.parallel : kDefaultEngineCalls;
  WorkPool pool(options.workers ? options.workers : kWorkersPerEngineCall * slots * op.engine.engine_count());

  std::vector<EngineGate*> gate_pointers;
  for (auto& g : gates) gate_pointers.push_back(g.get());
  AheadCreates ahead(op, images, gate_pointers);
  if (!stop_plan && !options.restart && !plan.services.empty()) ahead.start(plan);

  // One subscription to the engine's events about the project's containers, for every
  // container this run starts (container_watch.h); none when it starts nothing.
  std::optional<ContainerWatch> watch;
  const bool starts = !stop_plan && std::any_of(plan.services.begin(), plan.services.end(), [](const Decision& d) {
    return d.kind != ActionKind::keep && d.kind != ActionKind::none && d.kind != ActionKind::remove;
  });
  if (starts) {
    watch.emplace(op.engine, Labels{{kLabelProject, op.project.name}}, op.cancel, &op.background,
                  [&op](std::string line) { op.trace(std::move(line)); });
    op.watch = &*watch;
  }
  struct Unwatch {
    Operation& op;
    ~Unwatch() { op.watch = nullptr; }
  } unwatch{op};

  std::mutex outcomes_mutex;
  std::map<const Decision*, ServiceOutcome> outcomes;
  std::set<std::string> interrupted_services;
  auto run_one = [&](const Decision& d) {
    const bool scale_down = !stop_plan && d.kind == ActionKind::remove;
    EngineGate& gate = *gates[op.engine.engine_index(d.service)];
    ServiceOutcome outcome =
        stop_plan || scale_down ? run_stop(op, d, gate, options, scale_down)
                                : StartTask(op, *op.project.find(d.service), d, observed, images, gate, options,
                                            job_runs ? &*job_runs : nullptr, &ahead)
                                      .run();
    const bool ok = outcome.status != Phase::failed && outcome.status != Phase::interrupted;
    std::lock_guard lock(outcomes_mutex);
    if (outcome.status == Phase::interrupted) interrupted_services.insert(d.service);
    outcomes[&d] = std::move(outcome);
    return ok;
  };
  // A service's instances go concurrently; those a start scales down one after the
  // other, highest first, beside them.
  auto task = [&](const std::string& name) {
    std::vector<std::vector<const Decision*>> lanes;
    std::vector<const Decision*> scale_downs;
    for (const Decision* d : decisions.at(name)) {
      if (!stop_plan && d->kind == ActionKind::remove)
        scale_downs.push_back(d);
      else
        lanes.push_back({d});
    }
    if (!scale_downs.empty()) lanes.push_back(scale_downs);
    std::vector<char> ok(lanes.size(), 0);
    auto run_lane = [&](std::size_t k) {
      bool all = true;
      for (const Decision* d : lanes[k]) all = run_one(*d) && all;
      ok[k] = all;
    };
    // On the walk's pool: this worker runs the lanes no other worker took.
    WorkGroup lane_group(pool);
    for (std::size_t k = 1; k < lanes.size(); ++k) lane_group.run([&run_lane, k] { run_lane(k); });
    if (!lanes.empty()) run_lane(0);
    lane_group.wait();
    return std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
  };
  WalkOptions walk_options;
  walk_options.pool = &pool;
  // A failed start skips what needs it; a failed stop must not keep the others running.
  walk_options.skip_waiters_on_failure = !stop_plan;
  const auto walk = walk_graph(
      order,
      [&](const std::string& n) { return stop_plan ? graph.dependents(n) : graph.dependencies(n); }, task,
      op.cancel, walk_options);
  for (auto& t : prefetch) t.join();
  ahead.finish();

  for (const auto& d : plan.services) {
    const std::string& name = d.service;
    auto it = outcomes.find(&d);
    ServiceOutcome o;
    if (it != outcomes.end()) {
      o = std::move(it->second);
    } else {
      const auto status = walk.status.at(name);
      const auto cause = walk.skipped_because.count(name) ? walk.skipped_because.at(name) : "";
      // Skipped because an interrupted service never finished is interrupted too.
      const bool cause_interrupted = status == NodeStatus::skipped && interrupted_services.count(cause);
      o = not_begun(d, observed, stop_plan, cause_interrupted ? NodeStatus::cancelled : status, cause);
      ServiceProgress(op.events, name, o.action, o.instance).final(o.status, o.reason);
    }
    if (o.status == Phase::interrupted) result.interrupted = true;
    result.outcomes.push_back(std::move(o));
  }
  if (op.cancel.requested()) result.interrupted = true;
  if (result.any_failed()) note_engine_gone(op, result);
  if (stop_plan && !result.interrupted && !result.any_failed()) remove_project_resources(op, plan, result);
  execution.replaced_images = images.replaced();
  return execution;
}

}  // namespace boss
