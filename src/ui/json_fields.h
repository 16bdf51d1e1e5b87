// The pieces every JSON document of boss shares: the schema version, times, action
// names, ports and service outcomes. One place, so events, the summary, the plan and the
// status report spell a field the same way.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/action.h"
#include "core/engine.h"
#include "core/outcome.h"

namespace boss {

// Bumped when a field changes meaning or goes away (adding fields does not bump it).
inline constexpr int kJsonSchemaVersion = 1;

// Keys keep the order they are written in: "v", "time" and "type" come first.
using Json = nlohmann::ordered_json;

// One line of output: compact, and invalid UTF-8 (container output, engine text) is
// replaced with U+FFFD instead of failing. No trailing newline.
std::string json_line(const Json& json);
// Seconds rounded to milliseconds, so 1.2 is written as 1.2 and not 1.2000000000000002.
double json_seconds(double seconds);
// RFC 3339 in UTC with microseconds: "2026-12-02T10:52:47.123456Z".
std::string rfc3339_utc(std::chrono::system_clock::time_point time);
// An identifier for the action ("create", "undecided", ...), stable across versions.
const char* action_id(ActionKind action);
// [{"host_ip": "0.0.0.0", "host_port": 32768, "container_port": 80, "protocol": "tcp"}, ...]
Json ports_json(const std::vector<PublishedPort>& ports);
// {"service", "instance"?, "state", "action", "reason"?, "cause"?, "container"?,
//  "ports"?, "exit_code"?, "logs"?, "elapsed"}; see README "Machine-readable output".
Json outcome_json(const ServiceOutcome& outcome);

}  // namespace boss
