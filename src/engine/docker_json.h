// Reading Docker Engine API 1.41 responses into engine.h's types. Pure functions, so
// they can be tested without an engine. Missing or null fields read as empty/zero
// (podman leaves some out); a body that is not JSON at all throws EngineError.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/engine.h"

namespace boss {

// Parses `body`, or throws EngineError("<what>: invalid JSON from the engine ...").
nlohmann::json parse_engine_json(std::string_view body, const std::string& what);

// The string member `key` of `object`, or "" when `object` is not an object or the
// member is missing or not a string.
std::string json_string(const nlohmann::json& object, const char* key);

// The engine's explanation of an error response: {"message": "..."} when present,
// otherwise the trimmed body, otherwise "HTTP <status>".
std::string engine_error_message(std::string_view body, int status);

// One element of GET /containers/json.
ContainerInfo parse_container_summary(const nlohmann::json& summary);
std::vector<ContainerInfo> parse_container_list(const nlohmann::json& list);

// GET /containers/{id}/json.
ContainerState parse_container_inspect(const nlohmann::json& inspect);

// NetworkSettings.Ports: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"}], ...};
// container ports without a host binding are left out.
std::vector<PublishedPort> parse_port_map(const nlohmann::json& ports);

// A UTC time as the engine writes it in logs ("2026-01-02T03:04:05.123456789Z");
// nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_engine_time(std::string_view text);

// One message of GET /events: {"Type": "container", "Action": "start", "Actor": {"ID":
// "...", "Attributes": {...}}, "timeNano": ...}.
EngineEvent parse_engine_event(const nlohmann::json& message);

// GET /version: true when the engine is podman ("Components": [{"Name": "Podman Engine"}]).
bool is_podman_version(const nlohmann::json& version);

// GET /networks.
std::vector<NetworkInfo> parse_network_list(const nlohmann::json& list);

// An image name as Docker shows it: podman lists its images fully qualified, Docker Hub
// ones as "docker.io/library/name:tag" or "docker.io/owner/name:tag" and local ones
// (built, loaded) as "localhost/name:tag"; those prefixes go. ("localhost/x" read as a
// registry on localhost port 80, where Docker would keep it, is the price.)
std::string familiar_image_name(std::string_view name);

// GET /images/json; tags by familiar_image_name.
std::vector<ImageSummary> parse_image_list(const nlohmann::json& list);

// GET /volumes: {"Volumes": [{"Name": ..., "Labels": {...}}, ...]}.
std::vector<VolumeInfo> parse_volume_list(const nlohmann::json& body);

// GET /containers/{id}/stats?stream=false&one-shot=true: memory as the docker CLI counts
// it (engine.h's ContainerStats). Docker's cgroup v1 answer has memory_stats.stats with
// total_inactive_file (and cache), v2's with inactive_file; podman's has no stats, its
// usage already without the page cache. nullopt when there is no memory sample (Docker
// answers a container that does not run with an empty memory_stats).
std::optional<ContainerStats> parse_container_stats(const nlohmann::json& stats);

}  // namespace boss
