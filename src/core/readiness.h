// When a started container counts as ready, one rule for every path:
//  - with a health check (its `healthcheck`, or its image's unless `healthcheck = false`):
//    when the engine reports it healthy (health_wait.h), and then its ping passes too
//    when it has one; unhealthy fails it with the check's output. One timeout covers both.
//  - with a `ping` hook: when ping returns a true value (polled every ping_interval,
//    each from the previous one's start), before the timeout; between pings the
//    container must still run, so a crash fails at once with its exit code, not at the
//    timeout. Every few seconds a StillWaitingEvent says what the last ping gave.
//  - without one: when its container is still running kSettle after its process
//    started (so a program that fails at once fails the same way every time); one that
//    exited 0 by then ran to completion and counts as done.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/operation.h"
#include "core/service_progress.h"

namespace boss {

inline constexpr std::chrono::milliseconds kSettle{100};
inline constexpr std::chrono::seconds kStillWaitingEvery{5};

// Blocks until ready. Throws ServiceFailure (the reason, the exit code when it exited)
// or Interrupted. Returns what the summary says of it: "" when it runs, "exited 0 ..."
// when it ran to completion. `seen`, when given, gets the container's state from the last
// inspect made on the way (after its start, so with its published ports), if one was:
// the caller need not inspect it once more for the summary.
std::string wait_until_ready(Operation& op, const ServiceSpec& spec, const std::string& container_id,
                             double timeout_seconds, ServiceProgress& progress,
                             std::optional<ContainerState>* seen = nullptr);

// The container's state; a failed inspect or a container that is gone is the service's
// failure (ServiceFailure).
ContainerState inspect_or_fail(Operation& op, const std::string& id);

// A timeout for a reason: "0.2 s", "30 s".
std::string seconds_phrase(double seconds);

// "container exited with code 3: <engine error>"
std::string exited_reason(const ContainerState& state);

}  // namespace boss
