#include "core/readiness.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/container_watch.h"
#include "core/errors.h"
#include "core/health_wait.h"
#include "core/instances.h"
#include "core/service_failure.h"
#include "core/time_text.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// How long the container's process has run, by the engine's own start stamp; nullopt
// when it cannot be told.
std::optional<std::chrono::system_clock::duration> running_for(const ContainerState& state) {
  const auto started = parse_rfc3339(state.started_at);
  if (!started) return std::nullopt;
  return std::chrono::system_clock::now() - *started;
}

// The watch heard an exit: the engine says what it was. Running after all: the exit was
// of its run before this one (podman sends the die of a restart's stop after the start
// has begun) or its restart policy started it again, and it runs now, as an inspect at
// the settle time's end would have found. Exit 0 ran to completion; any other code is
// the service's failure (out of memory, an engine error: exited_reason).
std::string exited(Operation& op, const std::string& id, std::optional<ContainerState>* seen) {
  const ContainerState state = inspect_or_fail(op, id);
  if (seen) *seen = state;
  if (state.running) return "";
  if (state.exit_code == 0) return "exited 0: ran to completion";
  throw ServiceFailure{exited_reason(state), id, state.exit_code};
}

std::string settle(Operation& op, const std::string& id, ContainerState state,
                   std::optional<ContainerState>* seen) {
  if (seen) *seen = state;
  if (state.running) {
    // Wait out the rest of the settle time, measured from the process start; an unknown
    // or skewed clock (a remote engine) waits the whole of it at most.
    auto left = std::chrono::duration_cast<std::chrono::system_clock::duration>(kSettle);
    if (const auto ran = running_for(state)) left = std::clamp(left - *ran, decltype(left)::zero(), left);
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(left);
    if (op.watch && op.watch->run(id)) {
      // Told of an exit at once. None by the end of the settle time is not proof: the
      // engine's event for a process that exited at once may still be on its way (seen
      // under load: a container that exited with 4 taken for up), so the engine is asked.
      for (auto run = op.watch->run(id); run; run = op.watch->wait(id, run->events, until)) {
        if (op.cancel.requested()) throw Interrupted("interrupted");
        if (run->exit_code) return exited(op, id, seen);
        if (Clock::now() >= until) break;
      }
    } else if (op.cancel.sleep_until(until)) {
      throw Interrupted("interrupted");
    }
    state = inspect_or_fail(op, id);
    if (seen) *seen = state;
  }
  if (state.running) return "";
  if (state.exit_code == 0) return "exited 0: ran to completion";
  throw ServiceFailure{exited_reason(state), id, state.exit_code};
}

// Between two pings: throws when the container is no longer running. `last`: what the
// last ping gave. The watch tells without asking the engine; `inspect` asks it anyway
// (a ping that raised may have raised because the container is gone).
void check_running(Operation& op, const std::string& id, const std::string& last, bool inspect) {
  if (!inspect && op.watch)
    if (const auto run = op.watch->run(id); run && !run->exit_code && !run->removed) return;
  const auto state = inspect_or_fail(op, id);
  if (!state.running)
    throw ServiceFailure{exited_reason(state) + " before ping succeeded (last: " + last + ")", id, state.exit_code};
}

// Sleeps until `until`, or until the watch tells that the container died: returns true then.
bool sleep_watching(Operation& op, const std::string& id, Clock::time_point until) {
  if (op.watch)
    if (auto run = op.watch->run(id)) {
      for (;;) {
        if (run->exit_code || run->removed) return true;
        if (Clock::now() >= until) return false;
        run = op.watch->wait(id, run->events, until);
        if (op.cancel.requested()) throw Interrupted("interrupted");
        if (!run) break;  // the stream broke: sleep out the rest
      }
    }
  if (op.cancel.sleep_until(until)) throw Interrupted("interrupted");
  return false;
}

}  // namespace

ContainerState inspect_or_fail(Operation& op, const std::string& id) {
  std::optional<ContainerState> state;
  try {
    state = op.engine.inspect_container(id);
  } catch (const EngineError& e) {
    throw ServiceFailure{e.what(), id, std::nullopt};
  }
  if (!state) throw ServiceFailure{"container " + id.substr(0, 12) + " disappeared", "", std::nullopt};
  return *state;
}

std::string seconds_phrase(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2g s" : "%.0f s", s);
  return buf;
}

std::string exited_reason(const ContainerState& state) {
  std::string reason = "container exited with code " + std::to_string(state.exit_code);
  if (state.oom_killed) reason += " (out of memory)";
  if (!state.error.empty()) reason += ": " + state.error;
  return reason;
}

std::string wait_until_ready(Operation& op, const ServiceSpec& spec, const std::string& container_id,
                             double timeout_seconds, ServiceProgress& progress,
                             std::optional<ContainerState>* seen) {
  const auto t0 = Clock::now();
  const auto deadline = t0 + seconds(timeout_seconds);
  // One inspect, after its start: whether its image has a health check (when its own
  // healthcheck does not say), its start time and its published ports (the summary's).
  // From here on the run's watch tells what it does; without one, the engine is asked.
  const ContainerState state = inspect_or_fail(op, container_id);
  if (seen) *seen = state;
  const bool health_check = spec.healthcheck ? !spec.healthcheck->disabled() : !state.health.empty();
  if (health_check) {
    progress.phase(Phase::waiting, "health check");
    wait_until_healthy(op, spec.name, container_id, t0, deadline, timeout_seconds, state);
    if (!spec.has_ping) return "";
  } else if (!spec.has_ping) {
    progress.phase(Phase::waiting, "running for " + std::to_string(kSettle.count()) + " ms");
    return settle(op, container_id, state, seen);
  }
  progress.phase(Phase::waiting, "ping");
  const auto interval = seconds(spec.ping_interval);
  auto next_report = t0 + kStillWaitingEvery;
  std::string last = "ping has not answered yet";
  for (;;) {
    if (op.cancel.requested()) throw Interrupted("interrupted");
    // Pings start every `interval`, whatever the ping and the state check between them
    // cost, so readiness is noticed within one interval of happening.
    const auto next_ping = Clock::now() + interval;
    const auto result = op.hooks.call(spec.name, Hook::ping, container_id, deadline, op.cancel,
                                      instance_number(progress.instance()));
    op.save_context();
    if (result.status == HookResult::Status::cancelled) throw Interrupted("interrupted");
    // Ready: the caller goes on at once (post_start, then the dependents).
    if (result.status == HookResult::Status::ok && result.value) return "";
    if (result.status == HookResult::Status::ok) last = "ping returned false";
    if (result.status == HookResult::Status::error) last = "ping raised: " + first_line(result.error);
    // Not ready (or the ping broke): a container that is gone is the real cause.
    check_running(op, container_id, last, result.status == HookResult::Status::error);
    if (result.status == HookResult::Status::error) {
      if (!result.traceback.empty()) op.trace(result.traceback);
      throw ServiceFailure{"ping failed: " + first_line(result.error), container_id, std::nullopt};
    }
    if (result.status == HookResult::Status::timed_out || next_ping > deadline)
      throw ServiceFailure{"ping timed out after " + seconds_phrase(timeout_seconds) + " (last: " + last + ")",
                           container_id, std::nullopt};
    if (Clock::now() >= next_report) {
      next_report += kStillWaitingEvery;
      StillWaitingEvent waiting;
      waiting.service = spec.name;
      waiting.instance = progress.instance();
      waiting.waited = std::chrono::duration<double>(Clock::now() - t0).count();
      waiting.timeout = timeout_seconds;
      waiting.last_result = last;
      op.events.emit_now(std::move(waiting));
    }
    if (sleep_watching(op, container_id, next_ping)) check_running(op, container_id, last, true);
  }
}

}  // namespace boss
