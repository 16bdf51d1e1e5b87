#include "engine/docker_json.h"

#include <algorithm>
#include <charconv>

#include "core/errors.h"

namespace boss {

namespace {

using nlohmann::json;

std::string get_string(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename Integer = int>
Integer get_int(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<Integer>() : 0;
}

bool get_bool(const json& object, const char* key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

const json& get_object(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}

Labels parse_labels(const json& labels) {
  Labels out;
  if (!labels.is_object()) return out;
  for (const auto& [key, value] : labels.items())
    if (value.is_string()) out[key] = value.get<std::string>();
  return out;
}

int to_int(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string without_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

// The engine writes Go's zero time for "never".
std::string engine_time(std::string text) {
  return text.rfind("0001-01-01T00:00:00", 0) == 0 ? std::string() : text;
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::string json_string(const json& object, const char* key) { return get_string(object, key); }

nlohmann::json parse_engine_json(std::string_view body, const std::string& what) {
  auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    throw EngineError(what + ": invalid JSON from the engine: " + trim(body.substr(0, 200)), 0);
  return parsed;
}

std::string engine_error_message(std::string_view body, int status) {
  const auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (const std::string message = trim(get_string(parsed, "message")); !message.empty())
    return message;
  if (std::string text = trim(body); !text.empty()) return text;
  return "HTTP " + std::to_string(status);
}

ContainerInfo parse_container_summary(const json& summary) {
  ContainerInfo info;
  info.id = get_string(summary, "Id");
  const json& names = get_object(summary, "Names");
  if (names.is_array() && !names.empty() && names.front().is_string())
    info.name = without_slash(names.front().get<std::string>());
  info.state = get_string(summary, "State");
  info.image = get_string(summary, "Image");
  info.image_id = get_string(summary, "ImageID");
  info.labels = parse_labels(get_object(summary, "Labels"));
  const json& ports = get_object(summary, "Ports");
  if (ports.is_array()) {
    for (const json& port : ports) {
      const int host_port = get_int(port, "PublicPort");
      if (host_port == 0) continue;  // exposed but not published
      PublishedPort published;
      published.container_port = get_int(port, "PrivatePort");
      if (std::string type = get_string(port, "Type"); !type.empty()) published.protocol = type;
      published.host_ip = get_string(port, "IP");
      published.host_port = host_port;
      info.ports.push_back(std::move(published));
    }
  }
  const json& networks = get_object(get_object(summary, "NetworkSettings"), "Networks");
  if (networks.is_object())
    for (const auto& [name, network] : networks.items())
      if (std::string ip = get_string(network, "IPAddress"); !ip.empty()) info.addresses[name] = std::move(ip);
  const json& mounts = get_object(summary, "Mounts");
  if (mounts.is_array())
    for (const json& mount : mounts)
      if (get_string(mount, "Type") == "volume" && !get_string(mount, "Name").empty())
        info.volumes.push_back(get_string(mount, "Name"));
  return info;
}

std::vector<ContainerInfo> parse_container_list(const json& list) {
  std::vector<ContainerInfo> out;
  if (!list.is_array()) return out;
  for (const json& summary : list) out.push_back(parse_container_summary(summary));
  return out;
}

std::vector<PublishedPort> parse_port_map(const json& ports) {
  std::vector<PublishedPort> out;
  if (!ports.is_object()) return out;
  for (const auto& [key, bindings] : ports.items()) {
    if (!bindings.is_array()) continue;  // null: exposed but not published
    const auto slash = key.find('/');
    const int container_port = to_int(std::string_view(key).substr(0, slash));
    const std::string protocol = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
    for (const json& binding : bindings) {
      PublishedPort published;
      published.container_port = container_port;
      published.protocol = protocol;
      published.host_ip = get_string(binding, "HostIp");
      published.host_port = to_int(get_string(binding, "HostPort"));
      if (published.host_port != 0) out.push_back(std::move(published));
    }
  }
  // The engine's map order is by key string ("10/tcp" < "9/tcp"); sort numerically.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.container_port < b.container_port;
  });
  return out;
}

ContainerState parse_container_inspect(const json& inspect) {
  ContainerState state;
  state.id = get_string(inspect, "Id");
  state.name = without_slash(get_string(inspect, "Name"));
  const json& status = get_object(inspect, "State");
  state.status = get_string(status, "Status");
  state.running = get_bool(status, "Running");
  state.exit_code = get_int(status, "ExitCode");
  state.error = get_string(status, "Error");
  state.started_at = engine_time(get_string(status, "StartedAt"));
  state.finished_at = engine_time(get_string(status, "FinishedAt"));
  state.oom_killed = get_bool(status, "OOMKilled");
  const json& health = get_object(status, "Health");
  state.health = get_string(health, "Status");
  if (const json& log = get_object(health, "Log"); log.is_array() && !log.empty())
    state.health_log = get_string(log.back(), "Output");
  const json& policy = get_object(get_object(inspect, "HostConfig"), "RestartPolicy");
  state.restart.name = get_string(policy, "Name");
  if (state.restart.name == "no") state.restart.name.clear();
  state.restart.max_retries = get_int(policy, "MaximumRetryCount");
  const json& config = get_object(inspect, "Config");
  state.image = get_string(config, "Image");
  // Nanoseconds, as the API gives every duration.
  state.health_interval = static_cast<double>(get_int<long long>(get_object(config, "Healthcheck"), "Interval")) / 1e9;
  state.labels = parse_labels(get_object(config, "Labels"));
  state.ports = parse_port_map(get_object(get_object(inspect, "NetworkSettings"), "Ports"));
  return state;
}

std::optional<std::chrono::system_clock::time_point> parse_engine_time(std::string_view text) {
  // 2026-01-02T03:04:05[.fraction]Z
  auto number = [&](std::size_t at, std::size_t digits, int& out) {
    if (text.size() < at + digits) return false;
    const char* end = text.data() + at + digits;
    return std::from_chars(text.data() + at, end, out).ptr == end && out >= 0;
  };
  if (text.size() < 20) return std::nullopt;
  int year, month, day, hour, minute, second;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
      !number(14, 2, minute) || !number(17, 2, second) || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text.back() != 'Z')
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  std::chrono::nanoseconds fraction{0};
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2 || rest.size() > 10) return std::nullopt;
    long long value = 0;
    const char* end = rest.data() + rest.size();
    if (std::from_chars(rest.data() + 1, end, value).ptr != end) return std::nullopt;
    for (std::size_t digits = rest.size() - 1; digits < 9; ++digits) value *= 10;
    fraction = std::chrono::nanoseconds(value);
  }
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction);
}

EngineEvent parse_engine_event(const json& message) {
  EngineEvent event;
  event.type = get_string(message, "Type");
  event.action = get_string(message, "Action");
  const json& actor = get_object(message, "Actor");
  event.id = get_string(actor, "ID");
  event.attributes = parse_labels(get_object(actor, "Attributes"));
  event.time_nano = get_int<std::int64_t>(message, "timeNano");
  return event;
}

std::vector<NetworkInfo> parse_network_list(const json& list) {
  std::vector<NetworkInfo> out;
  if (!list.is_array()) return out;
  for (const json& network : list) {
    NetworkInfo info;
    info.id = get_string(network, "Id");
    info.name = get_string(network, "Name");
    info.labels = parse_labels(get_object(network, "Labels"));
    out.push_back(std::move(info));
  }
  return out;
}

std::string familiar_image_name(std::string_view name) {
  for (const std::string_view prefix : {"docker.io/library/", "docker.io/", "localhost/"})
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) return std::string(name.substr(prefix.size()));
  return std::string(name);
}

bool is_podman_version(const json& version) {
  const json& components = get_object(version, "Components");
  if (!components.is_array()) return false;
  return std::any_of(components.begin(), components.end(),
                     [](const json& c) { return get_string(c, "Name") == "Podman Engine"; });
}

std::vector<ImageSummary> parse_image_list(const json& list) {
  std::vector<ImageSummary> out;
  if (!list.is_array()) return out;
  for (const json& image : list) {
    ImageSummary info;
    info.id = get_string(image, "Id");
    const json& tags = get_object(image, "RepoTags");
    if (tags.is_array())
      for (const json& tag : tags)
        // Dangling images are listed with "<none>:<none>" by older engines.
        if (tag.is_string() && tag.get<std::string>() != "<none>:<none>")
          info.tags.push_back(familiar_image_name(tag.get<std::string>()));
    info.labels = parse_labels(get_object(image, "Labels"));
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<VolumeInfo> parse_volume_list(const json& body) {
  std::vector<VolumeInfo> out;
  const json& volumes = get_object(body, "Volumes");
  if (!volumes.is_array()) return out;
  for (const json& volume : volumes) {
    VolumeInfo info;
    info.name = get_string(volume, "Name");
    info.labels = parse_labels(get_object(volume, "Labels"));
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<ContainerStats> parse_container_stats(const json& stats) {
  if (!stats.is_object() || !stats.contains("memory_stats")) return std::nullopt;
  const json& memory = stats["memory_stats"];
  if (!memory.is_object() || !memory.contains("usage") || !memory["usage"].is_number()) return std::nullopt;
  const auto number = [](const json& object, const char* key) -> std::optional<std::int64_t> {
    if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return std::nullopt;
    return object[key].get<std::int64_t>();
  };
  ContainerStats out;
  out.memory_usage = *number(memory, "usage");
  out.memory_limit = number(memory, "limit").value_or(0);
  const json empty = json::object();
  const json& detail = memory.contains("stats") ? memory["stats"] : empty;
  // The docker CLI's order: cgroup v1's total_inactive_file, else v2's inactive_file;
  // cache only from engines too old to report either. Never more than the usage.
  std::optional<std::int64_t> page_cache = number(detail, "total_inactive_file");
  if (!page_cache) page_cache = number(detail, "inactive_file");
  if (!page_cache) page_cache = number(detail, "cache");
  if (page_cache && *page_cache < out.memory_usage) out.memory_usage -= *page_cache;
  return out;
}

}  // namespace boss
