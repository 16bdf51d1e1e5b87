#include "core/health_wait.h"

#include <algorithm>
#include <optional>

#include "core/container_watch.h"
#include "core/errors.h"
#include "core/readiness.h"
#include "core/service_failure.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

// How often a container the watch does not follow is inspected.
constexpr std::chrono::milliseconds kUnfollowedPoll{100};

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
                        Clock::time_point t0, Clock::time_point deadline, double timeout_seconds,
                        const ContainerState& started) {
  ContainerState state = started;
  if (settled(state, container_id)) return;
  // The run's watch follows it from its start; else one of its own, which catches a
  // verdict reached before it subscribed by one more inspect.
  std::optional<ContainerWatch> own;
  ContainerWatch* watch = op.watch;
  if (!watch || !watch->run(container_id)) {
    own.emplace(op.engine, Labels{{kLabelProject, op.project.name}, {kLabelService, service}}, op.cancel,
                &op.background, [&op](std::string line) { op.trace(std::move(line)); });
    watch = &*own;
    if (watch->starting(container_id)) {
      state = inspect_or_fail(op, container_id);
      if (settled(state, container_id)) return;
    }
  }
  std::string status = state.health;
  std::uint64_t heard = 0;  // the watch's events about it, judged
  auto next_report = t0 + kStillWaitingEvery;
  HealthProbe probe(op.engine, container_id, state.health_interval, t0);
  for (;;) {
    if (op.cancel.requested()) throw Interrupted("interrupted");
    auto run = watch->run(container_id);
    if (run && run->events > heard) {
      heard = run->events;
      if (run->health == "healthy") return;
      if (run->health == "unhealthy" || run->exit_code || run->removed) {
        state = inspect_or_fail(op, container_id);
        if (settled(state, container_id)) return;  // healthy again by now
        status = state.health;
      }
    } else if (!run) {
      // Not followed (the stream broke): asked at the fallback's pace.
      state = inspect_or_fail(op, container_id);
      if (settled(state, container_id)) return;
      status = state.health;
    }
    auto until = std::min({deadline, next_report, probe.due()});
    if (run)
      watch->wait(container_id, heard, until);
    else if (op.cancel.sleep_until(std::min(until, Clock::now() + kUnfollowedPoll)))
      throw Interrupted("interrupted");
    const auto now = Clock::now();
    if (now < deadline) {
      std::optional<std::string> health;
      try {
        health = probe.run_if_due(now);
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
      }
    }
    if (now >= deadline)
      throw ServiceFailure{"not healthy after " + seconds_phrase(timeout_seconds) + " (health: " + status + ")",
                           container_id, std::nullopt};
    if (now < next_report) continue;
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
