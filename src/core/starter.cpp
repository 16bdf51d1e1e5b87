#include "core/starter.h"

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <cstdio>
#include <thread>

#include "core/cancel.h"
#include "core/errors.h"
#include "core/graph.h"
#include "core/walker.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.0f s", s);
  return buf;
}

std::string exited_reason(const ContainerState& state) {
  std::string reason = "container exited with code " + std::to_string(state.exit_code);
  if (!state.error.empty()) reason += ": " + state.error;
  return reason;
}

}  // namespace

void build_service_image(Session& session, const ServiceSpec& spec) {
  session.reporter.service_event(spec.name, "building image " + spec.image + " from " + spec.build_from_directory);
  session.engine.build_image({spec.build_from_directory, spec.dockerfile, spec.image, {{kLabelProject, session.project.name}}},
                             [&](const ImageProgress& p) { session.reporter.progress(spec.name, p.text); }, Cancel::never());
}

void save_context_or_warn(Session& session) {
  try {
    session.context.save_if_dirty();
  } catch (const FatalError& e) {
    // Once per run: the same unwritable file would otherwise be reported after every ping.
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) session.reporter.warning(std::string(e.what()) + " (the context lives on in memory for this run)");
  }
}

namespace {

// A failure of one service: the reason is shown in the summary, logs when there are some.
struct ServiceFailure {
  std::string reason;
  std::string container_id;  // for the log tail
};
struct Interrupted {};

// Pulls or builds each image at most once per run, however many services share it.
class ImageProvider {
 public:
  ImageProvider(Session& session, const Observed& observed) : m_session(session) {
    for (const auto& [ref, id] : observed.image_ids)
      if (!id.empty()) entry(ref).id = id;
  }

  std::string image_id(const ServiceSpec& spec) {
    Entry& e = entry(spec.image);
    std::lock_guard lock(e.mutex);
    if (!e.id.empty()) return e.id;
    if (!e.error.empty()) throw ServiceFailure{e.error, ""};
    try {
      if (e.id.empty()) {
        if (auto image = m_session.engine.inspect_image(spec.image)) e.id = image->id;
      }
      if (e.id.empty()) {
        if (!spec.build_from_directory.empty()) {
          build_service_image(m_session, spec);
        } else {
          auto progress = [&](const ImageProgress& p) { m_session.reporter.progress(spec.name, p.layer.empty() ? p.status : p.layer + ": " + p.status); };
          m_session.reporter.service_event(spec.name, "pulling image " + spec.image);
          m_session.engine.pull_image(spec.image, progress, Cancel::never());
        }
        const auto image = m_session.engine.inspect_image(spec.image);
        if (!image) throw EngineError("image " + spec.image + " is still missing after " +
                                      (spec.build_from_directory.empty() ? "pull" : "build"));
        e.id = image->id;
      }
    } catch (const EngineError& err) {
      e.error = err.what();
      throw ServiceFailure{e.error, ""};
    }
    return e.id;
  }

 private:
  struct Entry {
    std::mutex mutex;
    std::string id;
    std::string error;
  };
  Entry& entry(const std::string& ref) {
    std::lock_guard lock(m_mutex);
    auto& slot = m_entries[ref];
    if (!slot) slot = std::make_unique<Entry>();
    return *slot;
  }

  Session& m_session;
  std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Entry>> m_entries;
};

ContainerSpec container_spec(const Project& project, const ServiceSpec& spec, const DesiredConfig& config,
                             const std::string& network) {
  ContainerSpec c;
  c.name = project.container_name(spec.name);
  c.image = spec.image;  // the name, so `docker ps` reads well; the id is in boss.config
  c.env = config.env;
  c.cmd = config.cmd;
  c.entrypoint = config.entrypoint;
  c.user = config.user;
  c.stop_signal = config.stop_signal;
  for (const auto& p : config.ports) c.ports.push_back({p.container_port, p.protocol, p.host_port});
  for (const auto& v : config.volumes) c.binds.push_back({v.source, v.target, v.mode});
  c.network = network;
  c.aliases = {spec.name};
  c.hostname = spec.name;
  c.labels = {{kLabelProject, project.name},
              {kLabelService, spec.name},
              {kLabelConfigHash, config.hash()},
              {kLabelConfig, config.canonical()}};
  return c;
}

// Runs one service's whole start. Throws ServiceFailure or Interrupted.
class ServiceStart {
 public:
  ServiceStart(Session& session, ImageProvider& images, const ServiceSpec& spec,
               const std::vector<ContainerInfo>& existing, const StartOptions& options, const std::string& network,
               bool network_new)
      : m_session(session), m_images(images), m_spec(spec), m_existing(existing), m_options(options),
        m_network(network), m_network_new(network_new) {}

  // Returns the detail for the summary: "created", "recreated", "restarted", "kept".
  std::string run() {
    check_cancel();
    const bool forced = m_options.force_service == m_spec.name;
    const std::string image_id = m_images.image_id(m_spec);
    // A key may be missing until this service's own pre_start sets it: then the service
    // needs a new container, and the templates are filled after pre_start.
    std::optional<DesiredConfig> config;
    std::string unfilled;
    try {
      config = fill(image_id);
    } catch (const ServiceFailure& f) {
      if (!m_spec.has_pre_start) throw;
      unfilled = f.reason;
    }
    const auto replacement = forced_replacement(m_spec, forced, m_network_new, m_existing);
    const auto decision = decide(m_spec, m_existing, config, unfilled, !replacement.empty(), replacement,
                                 m_session.journal.pending(m_spec.name));
    switch (decision.kind) {
      case ActionKind::keep:
        remove_containers(decision.remove);
        return "kept";
      case ActionKind::start:
        remove_containers(decision.remove);
        report("starting (" + decision.reason + ")");
        m_container_id = decision.container_id;
        m_session.journal.mark(m_spec.name, {m_container_id, "ping"});
        engine_step("start container", [&] { m_session.engine.start_container(m_container_id); });
        wait_until_ready();
        m_session.journal.clear(m_spec.name);
        return "restarted";
      case ActionKind::create:
      case ActionKind::recreate:
      case ActionKind::undecided:
        break;
    }
    if (m_spec.has_pre_start) {
      run_hook(Hook::pre_start, Clock::time_point::max());
      config = fill(image_id);  // pre_start may have set context values this service reads
    }
    check_cancel();
    report((decision.kind == ActionKind::recreate ? "recreating (" : "creating (") + decision.reason + ")");
    remove_containers(decision.remove);
    check_cancel();  // stopping the old container may have taken a while
    if (!config) throw ServiceFailure{unfilled, ""};
    const auto spec = container_spec(m_session.project, m_spec, *config, m_network);
    engine_step("create container", [&] { m_container_id = m_session.engine.create_container(spec); });
    m_session.journal.mark(m_spec.name, {m_container_id, "post_start"});
    engine_step("start container", [&] { m_session.engine.start_container(m_container_id); });
    wait_until_ready();
    if (m_spec.has_post_start) run_hook(Hook::post_start, Clock::time_point::max());
    m_session.journal.clear(m_spec.name);
    return decision.kind == ActionKind::recreate ? "recreated" : "created";
  }

  const std::string& container_id() const { return m_container_id; }

 private:
  void report(const std::string& text) { m_session.reporter.service_event(m_spec.name, text); }

  void check_cancel() const {
    if (m_session.cancel) throw Interrupted{};
  }

  DesiredConfig fill(const std::string& image_id) {
    try {
      return desired_config(m_spec, image_id, m_session.context.text_snapshot());
    } catch (const UnfilledTemplate& u) {
      throw ServiceFailure{"context key '" + u.key + "' is not set (used in " + u.field + ")", ""};
    }
  }

  template <typename F>
  void engine_step(const std::string& what, F&& step) {
    try {
      step();
    } catch (const EngineError& e) {
      std::string reason = e.what();
      if (e.status() == 409 && what == "create container")
        reason += " (a container with this name exists but is not managed by boss: remove it)";
      throw ServiceFailure{reason, m_container_id};
    }
  }

  void remove_containers(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      engine_step("remove container", [&] {
        // Stop first so the old process gets its stop signal and a grace period.
        m_session.engine.stop_container(id, 10);
        m_session.engine.remove_container(id);
      });
    }
  }

  void run_hook(Hook hook, Clock::time_point deadline) {
    const auto result = m_session.hooks.call(m_spec.name, hook, m_container_id, deadline, m_session.cancel);
    save_context();
    switch (result.status) {
      case HookResult::Status::ok: return;
      case HookResult::Status::cancelled: throw Interrupted{};
      case HookResult::Status::timed_out:
        throw ServiceFailure{std::string(hook_name(hook)) + " timed out after " +
                                 format_seconds(m_options.ping_timeout),
                             m_container_id};
      case HookResult::Status::error:
        m_session.reporter.verbose(result.traceback.empty() ? result.error : result.traceback);
        throw ServiceFailure{std::string(hook_name(hook)) + " failed: " + first_line(result.error), m_container_id};
    }
  }

  void save_context() { save_context_or_warn(m_session); }

  // Polls ping every ping_interval until it is true; between polls, checks that the
  // container is still running so a crashed service fails at once, not at the timeout.
  void wait_until_ready() {
    if (!m_spec.has_ping) {
      // Without a ping, "up" means started and not already failed: a container that
      // exited non-zero at once fails here, before its dependents start. One that ran to
      // completion with 0 (a job) counts as done.
      std::optional<ContainerState> state;
      engine_step("inspect container", [&] { state = m_session.engine.inspect_container(m_container_id); });
      if (state && !state->running && state->exit_code != 0) {
        throw ServiceFailure{exited_reason(*state), m_container_id};
      }
      return;
    }
    const auto t0 = Clock::now();
    const auto deadline =
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.ping_timeout));
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_spec.ping_interval));
    report("waiting for ping");
    while (true) {
      check_cancel();
      // Pings start every `interval`, whatever the ping and the state check between them
      // cost, so readiness is noticed within one interval of happening.
      const auto next_ping = Clock::now() + interval;
      const auto result = m_session.hooks.call(m_spec.name, Hook::ping, m_container_id, deadline, m_session.cancel);
      save_context();
      if (result.status == HookResult::Status::cancelled) throw Interrupted{};
      if (result.status == HookResult::Status::ok && result.value) return;
      // Not ready (or the ping broke): a container that is gone is the real cause.
      std::optional<ContainerState> state;
      engine_step("inspect container", [&] { state = m_session.engine.inspect_container(m_container_id); });
      if (!state) throw ServiceFailure{"container " + m_container_id.substr(0, 12) + " disappeared", ""};
      if (!state->running) {
        std::string reason = exited_reason(*state);
        if (result.status == HookResult::Status::error) reason += " (ping then failed: " + first_line(result.error) + ")";
        throw ServiceFailure{reason + " before ping succeeded", m_container_id};
      }
      if (result.status == HookResult::Status::error) {
        m_session.reporter.verbose(result.traceback.empty() ? result.error : result.traceback);
        throw ServiceFailure{"ping failed: " + first_line(result.error), m_container_id};
      }
      if (result.status == HookResult::Status::timed_out || next_ping > deadline)
        throw ServiceFailure{"ping timed out after " + format_seconds(m_options.ping_timeout), m_container_id};
      // Sleep in small slices so Ctrl-C is honoured promptly.
      while (Clock::now() < next_ping) {
        check_cancel();
        std::this_thread::sleep_for(std::min<Clock::duration>(next_ping - Clock::now(), std::chrono::milliseconds(20)));
      }
    }
  }

  Session& m_session;
  ImageProvider& m_images;
  const ServiceSpec& m_spec;
  const std::vector<ContainerInfo>& m_existing;
  const StartOptions& m_options;
  const std::string& m_network;
  const bool m_network_new;
  std::string m_container_id;
};

std::string trim_logs(std::string logs) {
  while (!logs.empty() && std::isspace(static_cast<unsigned char>(logs.back()))) logs.pop_back();
  // Cap in bytes as well as lines: a service that logs one huge line must not flood.
  constexpr std::size_t kMaxBytes = 4000;
  if (logs.size() <= kMaxBytes) return logs;
  return "..." + logs.substr(logs.size() - kMaxBytes);
}

// Returns true if the network had to be created: stopped containers still name the old
// one (e.g. after `docker network prune`) and cannot simply be restarted.
bool ensure_network(Session& session, const Observed& observed) {
  const std::string name = session.project.network_name();
  bool found = false;
  for (const auto& n : observed.networks) {
    if (n.name == name && !found) {
      found = true;
    } else {
      try {
        session.engine.remove_network(n.id);  // a duplicate or a stale name
      } catch (const EngineError& e) {
        session.reporter.warning("could not remove stale network " + n.name + ": " + e.what());
      }
    }
  }
  if (!found) {
    session.engine.create_network(name, {{kLabelProject, session.project.name}});
    session.reporter.verbose("created network " + name);
  }
  return !found;
}

}  // namespace

CommandResult start_services(Session& session, const StartOptions& options, const Observed& observed) {
  CommandResult result;
  const DependencyGraph graph(session.project);
  ImageProvider images(session, observed);
  const std::string network = session.project.network_name();
  const bool network_new = ensure_network(session, observed);
  std::mutex outcomes_mutex;
  std::map<std::string, ServiceOutcome> outcomes;
  static const std::vector<ContainerInfo> none;

  auto task = [&](const std::string& name) {
    const ServiceSpec& spec = *session.project.find(name);
    const auto it = observed.containers.find(name);
    ServiceStart start(session, images, spec, it == observed.containers.end() ? none : it->second, options, network,
                       network_new);
    ServiceOutcome outcome;
    outcome.service = name;
    const auto t0 = Clock::now();
    try {
      outcome.reason = start.run();
      outcome.status = Phase::up;
      outcome.seconds = seconds_since(t0);
      session.reporter.service_event(name, outcome.reason == "kept" ? "up (running, unchanged)"
                                                                   : "up (" + outcome.reason + " in " +
                                                                         format_seconds(outcome.seconds) + ")");
    } catch (const ServiceFailure& f) {
      outcome.status = Phase::failed;
      outcome.reason = f.reason;
      outcome.seconds = seconds_since(t0);
      if (!f.container_id.empty()) {
        try {
          outcome.logs = trim_logs(session.engine.logs_tail(f.container_id, 20));
        } catch (const EngineError&) {
        }
      }
      session.reporter.service_event(name, "failed: " + f.reason);
    } catch (const Interrupted&) {
      outcome.status = Phase::interrupted;
      outcome.reason = "stopped waiting (Ctrl-C); its container stays";
      session.reporter.service_event(name, "interrupted");
    } catch (const std::exception& e) {
      outcome.status = Phase::failed;
      outcome.reason = e.what();
      session.reporter.service_event(name, std::string("failed: ") + e.what());
    }
    const bool ok = outcome.status == Phase::up;
    std::lock_guard lock(outcomes_mutex);
    outcomes[name] = std::move(outcome);
    return ok;
  };

  // Images that are missing are pulled or built right away, in parallel with the
  // dependencies coming up, instead of when their service's turn comes. A service whose
  // image is still being fetched waits for it (ImageProvider holds a lock per image).
  std::vector<std::thread> prefetch;
  std::set<std::string> fetching;
  for (const auto& name : options.services) {
    const ServiceSpec& spec = *session.project.find(name);
    const auto known = observed.image_ids.find(spec.image);
    if (known != observed.image_ids.end() && !known->second.empty()) continue;
    if (!fetching.insert(spec.image).second) continue;
    prefetch.emplace_back([&images, &spec] {
      try {
        images.image_id(spec);
      } catch (...) {
        // Remembered by the provider; reported by the service's own task.
      }
    });
  }

  const auto walk = walk_graph(
      options.services, [&](const std::string& n) { return graph.dependencies(n); }, task, session.cancel);

  for (auto& t : prefetch) t.join();
  for (const auto& name : options.services) {
    ServiceOutcome o;
    if (outcomes.count(name)) {
      o = outcomes[name];
    } else {
      o.service = name;
      const auto status = walk.status.at(name);
      const bool cause_interrupted =
          status == NodeStatus::skipped && outcomes.at(walk.skipped_because.at(name)).status == Phase::interrupted;
      if (status == NodeStatus::skipped && !cause_interrupted) {
        o.status = Phase::skipped;
        o.reason = "not started: dependency '" + walk.skipped_because.at(name) + "' failed";
        session.reporter.service_event(name, o.reason);
      } else {
        o.status = Phase::interrupted;
        o.reason = "not started: interrupted";
      }
    }
    if (o.status == Phase::interrupted) result.interrupted = true;
    result.outcomes.push_back(std::move(o));
  }
  if (session.cancel) result.interrupted = true;
  return result;
}

}  // namespace boss
