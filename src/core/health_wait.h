// Waiting for the engine's verdict on a container's health check (its own `healthcheck`
// or its image's). The engine's event stream says when the status changes
// ("health_status: healthy" / "health_status: unhealthy", "die"): the start run's watch
// (container_watch.h) has followed the container since its start, so nothing is missed
// and nothing is polled. Without one, boss subscribes for this container alone and
// inspects once more, to catch a verdict reached before the subscription; a stream that
// broke falls back to inspecting every 100 ms.
#pragma once

#include <chrono>
#include <string>

#include "core/operation.h"

namespace boss {

// Blocks until the container `container_id` of `service` is healthy. Throws
// ServiceFailure when it turns unhealthy (the reason carries the last check's output),
// exits, disappears, or `deadline` passes (the reason says for how long it waited:
// `timeout_seconds`), and Interrupted on Ctrl-C. Every kStillWaitingEvery it emits a
// StillWaitingEvent with the current status; `t0` is when the wait for readiness began.
// `started`: its state as inspected after its start.
void wait_until_healthy(Operation& op, const std::string& service, const std::string& container_id,
                        std::chrono::steady_clock::time_point t0, std::chrono::steady_clock::time_point deadline,
                        double timeout_seconds, const ContainerState& started);

// "unhealthy: <the last check's output on one line, capped>".
std::string unhealthy_reason(const std::string& check_output);

}  // namespace boss
