#include "core/health_wait.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/errors.h"
#include "core/readiness.h"
#include "core/service_failure.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHealthy = "health_status: healthy";
constexpr const char* kUnhealthy = "health_status: unhealthy";

// The engine's events about one container, gathered by a thread of their own. The state
// is shared with that thread, which may end a moment after the watch is dropped.
class ContainerEvents {
 public:
  ContainerEvents(Operation& op, const std::string& service, const std::string& container_id)
      : m_op(op), m_shared(std::make_shared<Shared>(&op.cancel)) {
    m_thread = std::thread([shared = m_shared, &engine = op.engine, id = container_id,
                            filter = Labels{{kLabelProject, op.project.name}, {kLabelService, service}}] {
      try {
        engine.watch_events(
            filter,
            [&](const EngineEvent& e) {
              if (e.id != id) return;
              std::lock_guard lock(shared->mutex);
              shared->events.push_back(e.action);
              shared->changed.notify_all();
            },
            [&] {
              std::lock_guard lock(shared->mutex);
              shared->subscribed = true;
              shared->changed.notify_all();
            },
            shared->stop);
      } catch (const EngineError& e) {
        std::lock_guard lock(shared->mutex);
        shared->error = e.what();
      } catch (...) {
        std::lock_guard lock(shared->mutex);
        shared->error = "the engine's event stream ended";
      }
      std::lock_guard lock(shared->mutex);
      shared->ended = true;
      shared->changed.notify_all();
    });
  }
  ContainerEvents(const ContainerEvents&) = delete;
  ContainerEvents& operator=(const ContainerEvents&) = delete;

  // The stream is closed in the background: the caller goes on at once.
  ~ContainerEvents() {
    m_shared->stop.request();
    m_op.background.adopt(std::move(m_thread));
  }

  // Blocks until the engine accepted the subscription. Throws ServiceFailure if the
  // stream broke, Interrupted on Ctrl-C.
  void wait_subscribed() {
    std::unique_lock lock(m_shared->mutex);
    while (!m_shared->subscribed) {
      check(lock);
      m_shared->changed.wait_for(lock, Cancel::kPollSlice);
    }
  }

  // The next action ("health_status: healthy", "die", ...) before `until`, or nullopt.
  std::optional<std::string> next(Clock::time_point until) {
    std::unique_lock lock(m_shared->mutex);
    for (;;) {
      if (!m_shared->events.empty()) {
        std::string action = std::move(m_shared->events.front());
        m_shared->events.pop_front();
        return action;
      }
      check(lock);
      const auto now = Clock::now();
      if (now >= until) return std::nullopt;
      m_shared->changed.wait_until(lock, std::min(until, now + Cancel::kPollSlice));
    }
  }

 private:
  struct Shared {
    explicit Shared(const Cancel* parent) : stop(parent) {}
    Cancel stop;  // a child of the operation's: Ctrl-C closes the stream too
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::string> events;
    bool subscribed = false;
    bool ended = false;
    std::string error;
  };

  void check(std::unique_lock<std::mutex>&) const {
    if (m_op.cancel.requested()) throw Interrupted("interrupted");
    if (m_shared->ended)
      throw ServiceFailure{"could not follow its health: " +
                               (m_shared->error.empty() ? std::string("the event stream ended") : m_shared->error),
                           "", std::nullopt};
  }

  Operation& m_op;
  std::shared_ptr<Shared> m_shared;
  std::thread m_thread;
};

// Runs the health check on an engine that only runs it when asked (Engine::run_health_check),
// at the check's interval, the first time one interval after the wait began as Docker
// does. The first nullopt says the engine runs its checks itself: then never again.
class HealthProbe {
 public:
  HealthProbe(Engine& engine, std::string container_id, double interval_seconds, Clock::time_point t0)
      : m_engine(engine), m_id(std::move(container_id)), m_interval(interval(interval_seconds)), m_next(t0 + m_interval) {}

  Clock::time_point due() const { return m_driving ? m_next : Clock::time_point::max(); }

  // The health after a check run now, if one was due and the engine needs it; nullopt
  // otherwise. Blocks for as long as the check runs (at most its own timeout).
  std::optional<std::string> run_if_due(Clock::time_point now) {
    if (!m_driving || now < m_next) return std::nullopt;
    m_next = now + m_interval;
    auto health = m_engine.run_health_check(m_id);
    if (!health) m_driving = false;
    return health;
  }

 private:
  static Clock::duration interval(double seconds) {
    constexpr double kEngineDefault = 30;  // Docker's and podman's default interval
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds > 0 ? seconds : kEngineDefault));
  }

  Engine& m_engine;
  std::string m_id;
  Clock::duration m_interval;
  Clock::time_point m_next;
  bool m_driving = true;
};

// The verdict `state` already holds: true when healthy; throws when it failed.
bool settled(const ContainerState& state, const std::string& id) {
  if (!state.running) throw ServiceFailure{exited_reason(state) + " before it was healthy", id, state.exit_code};
  if (state.health == "unhealthy") throw ServiceFailure{unhealthy_reason(state.health_log), id, std::nullopt};
  return state.health == "healthy" || state.health.empty();
}

}  // namespace

std::string unhealthy_reason(const std::string& check_output) {
  std::string line;
  bool space = false;
  for (char c : check_output) {
    const bool blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (blank) {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  constexpr std::size_t kMax = 300;
  if (line.size() > kMax) line = line.substr(0, kMax) + "...";
  return line.empty() ? "unhealthy (its health check printed nothing)" : "unhealthy: " + line;
}

void wait_until_healthy(Operation& op, const std::string& service, const std::string& container_id,
                        Clock::time_point t0, Clock::time_point deadline, double timeout_seconds) {
  ContainerEvents events(op, service, container_id);
  events.wait_subscribed();
  // A verdict reached before the subscription is in the container's state.
  ContainerState state = inspect_or_fail(op, container_id);
  if (settled(state, container_id)) return;
  std::string status = state.health;
  auto next_report = t0 + kStillWaitingEvery;
  HealthProbe probe(op.engine, container_id, state.health_interval, t0);
  for (;;) {
    const auto action = events.next(std::min({deadline, next_report, probe.due()}));
    if (!action && Clock::now() < deadline) {
      std::optional<std::string> health;
      try {
        health = probe.run_if_due(Clock::now());
      } catch (const EngineError& error) {
        state = inspect_or_fail(op, container_id);  // it exited meanwhile: that is the reason
        if (settled(state, container_id)) return;
        throw ServiceFailure{std::string("could not run its health check: ") + error.what(), container_id,
                             std::nullopt};
      }
      if (health) {
        if (*health == "healthy") return;
        status = *health;
        // podman answers "unhealthy" for one failed run even while its start period or
        // its retries let the container stay "starting": the container's state decides.
        if (*health == "unhealthy") {
          state = inspect_or_fail(op, container_id);
          if (settled(state, container_id)) return;
          status = state.health;
        }
        // and on: a still-waiting report may be due as well
      }
    }
    if (action) {
      if (*action == kHealthy) return;
      if (*action == kUnhealthy || *action == "die" || *action == "destroy" || *action == "stop") {
        state = inspect_or_fail(op, container_id);
        if (settled(state, container_id)) return;  // healthy again by now
        status = state.health;
      }
      continue;
    }
    const auto now = Clock::now();
    if (now >= deadline)
      throw ServiceFailure{"not healthy after " + seconds_phrase(timeout_seconds) + " (health: " + status + ")",
                           container_id, std::nullopt};
    if (now < next_report) continue;  // woken for a health check that was not due to run
    next_report += kStillWaitingEvery;
    StillWaitingEvent waiting;
    waiting.service = service;
    waiting.waited = std::chrono::duration<double>(now - t0).count();
    waiting.timeout = timeout_seconds;
    waiting.last_result = "waiting for its health check (health: " + status + ")";
    op.events.emit_now(std::move(waiting));
  }
}

}  // namespace boss
