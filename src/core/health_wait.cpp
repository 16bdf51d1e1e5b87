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
  for (;;) {
    const auto action = events.next(std::min(deadline, next_report));
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
