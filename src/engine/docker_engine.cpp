#include "engine/docker_engine.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/errors.h"
#include "engine/build_context.h"
#include "engine/docker_json.h"
#include "engine/endpoint_resolution.h"
#include "engine/docker_request.h"
#include "engine/hijacked_streams.h"
#include "engine/image_ref.h"
#include "engine/json_stream.h"
#include "engine/log_lines.h"
#include "engine/progress_message.h"
#include "engine/registry_auth_header.h"
#include "engine/stream_demux.h"
#include "engine/swarm_json.h"

namespace boss {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::milliseconds kNoTimeout{0};

HttpRequest get(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return request;
}

HttpRequest post(std::string path, const json& body = nullptr) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  if (!body.is_null()) {
    request.body = body.dump();
    request.content_type = "application/json";
  }
  return request;
}

HttpRequest del(std::string path) {
  HttpRequest request;
  request.method = "DELETE";
  request.path = std::move(path);
  return request;
}

std::string with_filters(std::string path, const Labels& filter) {
  const std::string filters = label_filters_query(filter);
  if (filters.empty()) return path;
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "filters=" + filters;
}

bool is_success(int status) { return status >= 200 && status < 300; }

HttpRequest cancellable(HttpRequest request, const Cancel& cancel) {
  request.cancel = &cancel;
  return request;
}

// The last few events delivered, to recognise one the engine sends twice.
class RecentEvents {
 public:
  // True when `event` was among the last few; remembers it otherwise.
  bool repeats(const EngineEvent& event) {
    for (std::size_t i = 0; i < std::min(m_next, m_seen.size()); ++i)
      if (m_seen[i].time_nano == event.time_nano && m_seen[i].id == event.id && m_seen[i].action == event.action)
        return true;
    m_seen[m_next++ % m_seen.size()] = event;
    return false;
  }

 private:
  std::array<EngineEvent, 8> m_seen;
  std::size_t m_next = 0;
};

}  // namespace

DockerEngine::DockerEngine() : DockerEngine(endpoint_from_environment()) {}

DockerEngine::DockerEngine(Endpoint endpoint) : m_transport(std::move(endpoint)) {}

std::string DockerEngine::endpoint() const { return m_transport.endpoint().display(); }

std::string DockerEngine::published_address(const std::string&) { return endpoint_host(m_transport.endpoint()); }

HttpResponse DockerEngine::send(const std::string& what, const HttpRequest& request) {
  try {
    return m_transport.request(request);
  } catch (const TransportFailure& failure) {
    throw EngineError(what + ": " + failure.what(), failure.status());
  } catch (const Interrupted&) {
    throw Interrupted(what + ": cancelled");
  }
}

HttpResponse DockerEngine::send_expecting(const std::string& what, const HttpRequest& request,
                                          std::initializer_list<int> accepted) {
  HttpResponse response = send(what, request);
  if (is_success(response.status)) return response;
  for (const int status : accepted)
    if (response.status == status) return response;
  throw EngineError(what + ": " + engine_error_message(response.body, response.status),
                    response.status);
}

void DockerEngine::send_streaming(const std::string& what, HttpRequest request, const ProgressFn& progress,
                                  const Cancel& cancel) {
  std::string error;
  ProgressReader reader(progress);
  JsonObjectStream stream([&](const json& object) {
    // The first error is the cause; keep reading so the engine can finish the stream.
    if (auto message = reader.read(object); message && error.empty()) error = std::move(*message);
  });
  request.on_chunk = [&](std::string_view chunk) { stream.feed(chunk); };
  request.timeout = kNoTimeout;
  request.cancel = &cancel;
  const HttpResponse response = send_expecting(what, request);
  reader.finish();
  if (!error.empty()) throw EngineError(what + ": " + error, response.status);
}

bool DockerEngine::send_until_cancelled(const std::string& what, const HttpRequest& request, const Cancel& cancel) {
  try {
    send_expecting(what, cancellable(request, cancel));
    return true;
  } catch (const Interrupted&) {
    if (cancel.requested()) return false;
    throw;
  }
}

void DockerEngine::ping() {
  const std::string what = "ping the docker engine at " + endpoint();
  HttpRequest request = get("/_ping");
  request.timeout = 10s;
  send_expecting(what, request);
}

bool DockerEngine::is_podman() {
  std::call_once(m_version_asked, [&] {
    const std::string what = "ask the engine at " + endpoint() + " for its version";
    m_podman = is_podman_version(parse_engine_json(send_expecting(what, get("/version")).body, what));
  });
  return m_podman;
}

std::optional<std::string> DockerEngine::run_health_check(const std::string& id) {
  if (!is_podman()) return std::nullopt;
  const std::string what = "run the health check of container " + id;
  HttpRequest request = get("/libpod/containers/" + url_encode(id) + "/healthcheck");
  request.timeout = 5min;  // as long as the check itself may run
  return json_string(parse_engine_json(send_expecting(what, request).body, what), "Status");
}

std::vector<ContainerInfo> DockerEngine::list_containers(const Labels& filter) {
  const std::string what = "list containers";
  const HttpResponse response = send_expecting(what, get(with_filters("/containers/json?all=1", filter)));
  return parse_container_list(parse_engine_json(response.body, what));
}

std::optional<ContainerState> DockerEngine::inspect_container(const std::string& id) {
  const std::string what = "inspect container " + id;
  const HttpResponse response =
      send_expecting(what, get("/containers/" + url_encode(id) + "/json"), {404});
  if (response.status == 404) return std::nullopt;
  return parse_container_inspect(parse_engine_json(response.body, what));
}

std::string DockerEngine::create_container(const ContainerSpec& spec) {
  const std::string what = "create container " + spec.name;
  std::string path = "/containers/create";
  if (!spec.name.empty()) path += "?name=" + url_encode(spec.name);
  HttpResponse response;
  try {
    response = send_expecting(what, post(path, container_create_body(spec)));
  } catch (const EngineError& error) {
    // A taken name is 409 on Docker; podman answers 500 "... is already in use": the
    // caller tells a conflict by its status, so it gets the same 409 from both.
    if (error.status() == 500 && std::string_view(error.what()).find("is already in use") != std::string_view::npos)
      throw EngineError(error.what(), 409);
    throw;
  }
  const json created = parse_engine_json(response.body, what);
  const std::string id = json_string(created, "Id");
  if (id.empty()) throw EngineError(what + ": the engine returned no container id", 0);
  return id;
}

void DockerEngine::start_container(const std::string& id) {
  // 304: already running, which is what the caller wants.
  send_expecting("start container " + id, post("/containers/" + url_encode(id) + "/start"),
                 {304});
}

StopResult DockerEngine::stop_container(const std::string& id, double timeout_seconds) {
  const int seconds = static_cast<int>(std::ceil(std::max(0.0, timeout_seconds)));
  HttpRequest request = post("/containers/" + url_encode(id) + "/stop?t=" + std::to_string(seconds));
  // The engine answers only after the kill that follows the grace period.
  request.timeout = std::chrono::seconds(seconds + 30);
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse response = send_expecting("stop container " + id, request, {304, 404});
  // 304: it was not running; 404: it is gone. Neither was stopped, let alone killed.
  if (!is_success(response.status) || seconds == 0) return {};
  // The engine kills only once the grace period is over: a quicker stop was the signal's.
  if (std::chrono::steady_clock::now() - started < std::chrono::seconds(seconds)) return {};
  const auto state = inspect_container(id);
  return {state && !state->running && state->exit_code == 137};  // 128 + SIGKILL
}

void DockerEngine::remove_container(const std::string& id) {
  const std::string what = "remove container " + id;
  const HttpResponse response =
      send(what, del("/containers/" + url_encode(id) + "?force=1&v=1"));
  if (is_success(response.status) || response.status == 404) return;
  const std::string message = engine_error_message(response.body, response.status);
  // Someone else is already removing it: the outcome is the one asked for.
  if (response.status == 409 && message.find("already in progress") != std::string::npos) return;
  throw EngineError(what + ": " + message, response.status);
}

void DockerEngine::rename_container(const std::string& id, const std::string& name) {
  const std::string what = "rename container " + id + " to " + name;
  const HttpResponse response =
      send(what, post("/containers/" + url_encode(id) + "/rename?name=" + url_encode(name)));
  if (!is_success(response.status))
    throw EngineError(what + ": " + engine_error_message(response.body, response.status), response.status);
}

std::string DockerEngine::logs_tail(const std::string& id, int lines) {
  const HttpResponse response = send_expecting(
      "logs of container " + id, get("/containers/" + url_encode(id) +
                                      "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines)));
  return demultiplex_stream(response.body);
}

ExecResult DockerEngine::exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) {
  const std::string what = "exec in container " + id;
  const json create_body = {{"AttachStdout", true}, {"AttachStderr", true}, {"Cmd", argv}};
  const HttpResponse created =
      send_expecting(what, cancellable(post("/containers/" + url_encode(id) + "/exec", create_body), cancel));
  const std::string exec_id = json_string(parse_engine_json(created.body, what), "Id");
  if (exec_id.empty()) throw EngineError(what + ": the engine returned no exec id", 0);

  // The attached start answers with the raw multiplexed stream until the command ends.
  ExecResult result;
  StreamDemultiplexer output(
      [&](LogLine::Stream, std::string_view bytes, bool) { result.output.append(bytes); });
  HttpRequest start = post("/exec/" + exec_id + "/start", json{{"Detach", false}, {"Tty", false}});
  start.on_chunk = [&](std::string_view chunk) { output.feed(chunk); };
  start.timeout = kNoTimeout;
  send_expecting(what, cancellable(std::move(start), cancel));
  output.finish();
  result.exit_code = wait_for_exec_exit(what, exec_id, cancel);
  return result;
}

int DockerEngine::wait_for_exec_exit(const std::string& what, const std::string& exec_id, const Cancel& cancel) {
  // The stream can end a moment before the engine records the exit code.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    const HttpResponse response = send_expecting(what, cancellable(get("/exec/" + exec_id + "/json"), cancel));
    const json inspect = parse_engine_json(response.body, what);
    if (inspect.is_object()) {
      const auto flag = inspect.find("Running");
      const bool running = flag != inspect.end() && flag->is_boolean() && flag->get<bool>();
      const auto code = inspect.find("ExitCode");
      if (!running && code != inspect.end() && code->is_number_integer()) return code->get<int>();
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw EngineError(what + ": the engine did not report the command's exit code", 0);
    if (cancel.sleep_for(20ms)) throw Interrupted(what + ": cancelled");
  }
}

std::unique_ptr<AttachedStreams> DockerEngine::hijack(const std::string& what, const HttpRequest& request, bool tty) {
  UpgradeResponse response;
  try {
    response = m_transport.upgrade(request);
  } catch (const TransportFailure& failure) {
    throw EngineError(what + ": " + failure.what(), failure.status());
  }
  if (!response.connection)
    throw EngineError(what + ": " + engine_error_message(response.body, response.status), response.status);
  return std::make_unique<HijackedStreams>(std::move(response.connection), tty, what);
}

std::string DockerEngine::create_exec(const std::string& container_id, const ExecSpec& spec) {
  const std::string what = "exec in container " + container_id;
  const json body = {{"AttachStdin", spec.attach_stdin}, {"AttachStdout", true}, {"AttachStderr", true},
                     {"Tty", spec.tty}, {"Cmd", spec.argv}};
  const HttpResponse created = send_expecting(what, post("/containers/" + url_encode(container_id) + "/exec", body));
  const std::string exec_id = json_string(parse_engine_json(created.body, what), "Id");
  if (exec_id.empty()) throw EngineError(what + ": the engine returned no exec id", 0);
  return exec_id;
}

std::unique_ptr<AttachedStreams> DockerEngine::start_exec(const std::string& exec_id, bool tty) {
  HttpRequest request = post("/exec/" + url_encode(exec_id) + "/start", json{{"Detach", false}, {"Tty", tty}});
  request.timeout = 30s;
  return hijack("start exec " + exec_id, request, tty);
}

void DockerEngine::resize_exec(const std::string& exec_id, int rows, int columns) {
  send_expecting("resize exec " + exec_id, post("/exec/" + url_encode(exec_id) + "/resize?h=" + std::to_string(rows) +
                                                "&w=" + std::to_string(columns)));
}

int DockerEngine::exec_exit_code(const std::string& exec_id, const Cancel& cancel) {
  return wait_for_exec_exit("exec " + exec_id, exec_id, cancel);
}

std::unique_ptr<AttachedStreams> DockerEngine::attach_container(const std::string& id, bool stdin, bool tty) {
  HttpRequest request = post("/containers/" + url_encode(id) + "/attach?stream=1&stdout=1&stderr=1&stdin=" +
                             (stdin ? "1" : "0"));
  request.timeout = 30s;
  return hijack("attach to container " + id, request, tty);
}

void DockerEngine::resize_container(const std::string& id, int rows, int columns) {
  send_expecting("resize container " + id, post("/containers/" + url_encode(id) + "/resize?h=" +
                                                std::to_string(rows) + "&w=" + std::to_string(columns)));
}

int DockerEngine::wait_container(const std::string& id, const Cancel& cancel) {
  const std::string what = "wait for container " + id;
  HttpRequest request = post("/containers/" + url_encode(id) + "/wait?condition=not-running");
  request.timeout = kNoTimeout;
  const HttpResponse response = send_expecting(what, cancellable(std::move(request), cancel));
  const json answer = parse_engine_json(response.body, what);
  const auto code = answer.is_object() ? answer.find("StatusCode") : answer.end();
  if (!answer.is_object() || code == answer.end() || !code->is_number_integer())
    throw EngineError(what + ": the engine returned no exit code", 0);
  return code->get<int>();
}

std::optional<ImageInfo> DockerEngine::inspect_image(const std::string& ref) {
  const std::string what = "inspect image " + ref;
  const HttpResponse response =
      send_expecting(what, get("/images/" + path_encode(ref) + "/json"), {404});
  if (response.status == 404) return std::nullopt;
  const json image = parse_engine_json(response.body, what);
  return ImageInfo{json_string(image, "Id")};
}

void DockerEngine::send_to_registry(const std::string& verb, const std::string& ref, HttpRequest request,
                                    const RegistryAuth& auth, const ProgressFn& progress, const Cancel& cancel) {
  request.headers.push_back(registry_auth_header(auth, registry_host(ref)));
  try {
    send_streaming(verb + " image " + ref, std::move(request), progress, cancel);
  } catch (const EngineError& error) {
    if (auto refused = unauthorized_error(verb, ref, error.what())) throw EngineError(*refused, error.status());
    throw;
  }
}

void DockerEngine::pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                              const Cancel& cancel) {
  const ImageRef parsed = parse_image_ref(ref);
  send_to_registry("pull", ref,
                   post("/images/create?fromImage=" + url_encode(parsed.name) + "&tag=" + url_encode(parsed.api_tag())),
                   auth, progress, cancel);
}

void DockerEngine::push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                              const Cancel& cancel) {
  const ImageRef parsed = parse_image_ref(ref);
  const ProgressFn as_push = [&](const ImageProgress& step) {
    if (!progress) return;
    ImageProgress pushed = step;
    pushed.kind = ImageProgress::Kind::push;
    progress(pushed);
  };
  send_to_registry("push", ref,
                   post("/images/" + path_encode(parsed.name) + "/push?tag=" + url_encode(parsed.api_tag())), auth,
                   as_push, cancel);
}

void DockerEngine::build_image(const BuildRequest& build, const ProgressFn& progress, const Cancel& cancel) {
  const std::string& context_dir = build.context_dir;
  const std::string& dockerfile = build.dockerfile;
  const std::string& tag = build.tag;
  const Labels& labels = build.labels;
  const std::string what = "build image " + tag;
  std::string context;
  try {
    context = make_build_context(context_dir, dockerfile);
  } catch (const EngineError& error) {
    throw EngineError(what + ": " + error.what(), 0);
  }

  std::string path = "/build?t=" + url_encode(tag) +
                     "&dockerfile=" + url_encode(dockerfile.empty() ? "Dockerfile" : dockerfile) +
                     "&rm=1&forcerm=1";
  if (!labels.empty()) {
    json label_object = json::object();
    for (const auto& [key, value] : labels) label_object[key] = value;
    path += "&labels=" + url_encode(label_object.dump());
  }
  if (!build.args.empty()) path += "&buildargs=" + url_encode(json(build.args).dump());
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.body = std::move(context);
  request.content_type = "application/x-tar";
  send_streaming(what, std::move(request), progress, cancel);
}

void DockerEngine::put_archive(const std::string& id, const std::string& directory, const std::string& tar) {
  HttpRequest request;
  request.method = "PUT";
  request.path = "/containers/" + url_encode(id) + "/archive?path=" + url_encode(directory);
  request.body = tar;
  request.content_type = "application/x-tar";
  send_expecting("copy files into container " + id + " at " + directory, request);
}

std::optional<ContainerStats> DockerEngine::container_stats(const std::string& id, std::chrono::milliseconds timeout) {
  const std::string what = "read the stats of container " + id;
  // one-shot: the sample at hand, without the second one (a second later) that CPU
  // percentages need; podman takes the same parameters.
  HttpRequest request = get("/containers/" + url_encode(id) + "/stats?stream=false&one-shot=true");
  request.timeout = timeout;
  const HttpResponse response = send_expecting(what, request, {404, 409});
  // 404: gone; 409: podman's answer for a container that does not run.
  if (response.status == 404 || response.status == 409) return std::nullopt;
  return parse_container_stats(parse_engine_json(response.body, what));
}

void DockerEngine::remove_image(const std::string& image) {
  send_expecting("remove image " + image, del("/images/" + path_encode(image)), {404});
}

void DockerEngine::follow_logs(const std::string& id, const LogRequest& log, const LogLineFn& on_line,
                               const Cancel& cancel) {
  const std::string what = "logs of container " + id;
  std::string last_seen[2];  // the timestamp of the last line delivered, per stream
  const LogLineFn deliver = [&](const LogLine& line) {
    last_seen[static_cast<int>(line.stream)] = line.timestamp;
    on_line(line);
  };
  if (!read_logs(what, id, log, deliver, cancel) || !log.follow) return;

  // The engine ends a follow as the container stops, often before the container's last
  // output without a newline is in the log. Read what was logged since the last line
  // seen once more, without following, and deliver what is new.
  LogRequest rest = log;
  rest.follow = false;
  if (const std::string& latest = std::max(last_seen[0], last_seen[1]); !latest.empty()) {
    const auto time = parse_engine_time(latest);
    if (!time) return;
    rest.since = since_query_value(*time);
    rest.tail = -1;
  }
  try {
    read_logs(what, id, rest, [&](const LogLine& line) {
      if (line.timestamp > last_seen[static_cast<int>(line.stream)]) deliver(line);  // fixed width: text order is time order
    }, cancel);
  } catch (const EngineError& error) {
    if (error.status() != 404) throw;  // gone meanwhile: the follow itself was complete
  }
}

bool DockerEngine::read_logs(const std::string& what, const std::string& id, const LogRequest& log,
                             const LogLineFn& on_line, const Cancel& cancel) {
  std::string path = "/containers/" + url_encode(id) + "/logs?stdout=1&stderr=1&timestamps=1&follow=" +
                     (log.follow ? "1" : "0") + "&tail=" + (log.tail < 0 ? "all" : std::to_string(log.tail));
  if (!log.since.empty()) path += "&since=" + url_encode(log.since);
  LogLineAssembler lines(on_line);
  StreamDemultiplexer demultiplexer(
      [&](LogLine::Stream stream, std::string_view bytes, bool frame_start) { lines.feed(stream, bytes, frame_start); });
  HttpRequest request = get(std::move(path));
  request.on_chunk = [&](std::string_view chunk) { demultiplexer.feed(chunk); };
  request.timeout = kNoTimeout;
  if (!send_until_cancelled(what, request, cancel)) return false;
  demultiplexer.finish();
  lines.finish();
  return true;
}

void DockerEngine::watch_events(const Labels& filter, const EngineEventFn& on_event,
                                const std::function<void()>& on_subscribed, const Cancel& cancel) {
  const std::string what = "watch engine events";
  // The engine sends its answer's headers (and so on_subscribed runs) a moment before it
  // subscribes; asking for the events since now replays from its buffer any that fall in
  // between. (An engine whose clock is ahead of ours replays a few older ones too.)
  HttpRequest request = get("/events?since=" + since_query_value(std::chrono::system_clock::now()) +
                            "&filters=" + container_event_filters_query(filter));
  request.on_headers = [&](int status) {
    if (is_success(status) && on_subscribed) on_subscribed();
  };
  // An event that happens as the engine subscribes can come both replayed and live.
  RecentEvents recent;
  JsonObjectStream stream([&](const json& message) {
    const EngineEvent event = parse_engine_event(message);
    if (!recent.repeats(event)) on_event(event);
  });
  request.on_chunk = [&](std::string_view chunk) { stream.feed(chunk); };
  request.timeout = kNoTimeout;
  if (!send_until_cancelled(what, request, cancel)) return;
  throw EngineError(what + ": the engine ended the stream", 0);
}

std::vector<NetworkInfo> DockerEngine::list_networks(const Labels& filter) {
  const std::string what = "list networks";
  const HttpResponse response = send_expecting(what, get(with_filters("/networks", filter)));
  return parse_network_list(parse_engine_json(response.body, what));
}

std::string DockerEngine::create_network(const std::string& name, const Labels& labels) {
  const std::string what = "create network " + name;
  const HttpResponse response =
      send_expecting(what, post("/networks/create", network_create_body(name, labels)));
  const std::string id = json_string(parse_engine_json(response.body, what), "Id");
  if (id.empty()) throw EngineError(what + ": the engine returned no network id", 0);
  return id;
}

void DockerEngine::remove_network(const std::string& id) {
  send_expecting("remove network " + id, del("/networks/" + url_encode(id)), {404});
}

std::vector<ImageSummary> DockerEngine::list_images(const Labels& filter) {
  const std::string what = "list images";
  const HttpResponse response = send_expecting(what, get(with_filters("/images/json?all=0", filter)));
  return parse_image_list(parse_engine_json(response.body, what));
}

std::vector<VolumeInfo> DockerEngine::list_volumes(const Labels& filter) {
  const std::string what = "list volumes";
  const HttpResponse response = send_expecting(what, get(with_filters("/volumes", filter)));
  return parse_volume_list(parse_engine_json(response.body, what));
}

void DockerEngine::create_volume(const std::string& name, const Labels& labels) {
  json body = {{"Name", name}, {"Labels", json::object()}};
  for (const auto& [key, value] : labels) body["Labels"][key] = value;
  send_expecting("create volume " + name, post("/volumes/create", body));
}

void DockerEngine::remove_volume(const std::string& name) {
  send_expecting("remove volume " + name, del("/volumes/" + url_encode(name)), {404});
}

// --- Docker Swarm ---

SwarmState DockerEngine::swarm_state() {
  const std::string what = "read the swarm state of " + endpoint();
  return parse_swarm_state(parse_engine_json(send_expecting(what, get("/info")).body, what));
}

std::string DockerEngine::registry_digest(const std::string& ref, const RegistryAuth& auth) {
  const std::string what = "look up image " + ref + " in its registry";
  HttpRequest request = get("/distribution/" + path_encode(ref) + "/json");
  if (!auth.empty()) request.headers.push_back(registry_auth_header(auth, registry_host(ref)));
  const std::string digest = parse_distribution_digest(parse_engine_json(send_expecting(what, request).body, what));
  if (digest.empty()) throw EngineError(what + ": the engine returned no digest", 0);
  return digest;
}

std::vector<SwarmService> DockerEngine::list_services(const Labels& filter) {
  const std::string what = "list swarm services";
  return parse_service_list(parse_engine_json(send_expecting(what, get(with_filters("/services", filter))).body, what));
}

std::string DockerEngine::create_service(const SwarmServiceSpec& spec, const RegistryAuth& auth) {
  const std::string what = "create swarm service " + spec.name;
  HttpRequest request = post("/services/create", service_spec_body(spec));
  if (!auth.empty()) request.headers.push_back(registry_auth_header(auth, registry_host(spec.image)));
  const std::string id = json_string(parse_engine_json(send_expecting(what, request).body, what), "ID");
  if (id.empty()) throw EngineError(what + ": the engine returned no service id", 0);
  return id;
}

void DockerEngine::update_service(const std::string& id, std::uint64_t version, const SwarmServiceSpec& spec,
                                  const RegistryAuth& auth) {
  HttpRequest request = post("/services/" + url_encode(id) + "/update?version=" + std::to_string(version),
                             service_spec_body(spec));
  if (!auth.empty()) request.headers.push_back(registry_auth_header(auth, registry_host(spec.image)));
  send_expecting("update swarm service " + spec.name, request);
}

void DockerEngine::remove_service(const std::string& id) {
  send_expecting("remove swarm service " + id, del("/services/" + url_encode(id)), {404});
}

std::vector<SwarmTask> DockerEngine::list_tasks(const std::vector<std::string>& services) {
  const std::string what = "list swarm tasks";
  const HttpResponse response = send_expecting(what, get("/tasks?filters=" + service_filters_query(services)));
  return parse_task_list(parse_engine_json(response.body, what));
}

std::vector<SwarmNode> DockerEngine::list_nodes() {
  const std::string what = "list swarm nodes";
  return parse_node_list(parse_engine_json(send_expecting(what, get("/nodes")).body, what));
}

std::string DockerEngine::create_overlay_network(const std::string& name, const Labels& labels) {
  const std::string what = "create overlay network " + name;
  const HttpResponse response = send_expecting(what, post("/networks/create", overlay_network_body(name, labels)));
  const std::string id = json_string(parse_engine_json(response.body, what), "Id");
  if (id.empty()) throw EngineError(what + ": the engine returned no network id", 0);
  return id;
}

}  // namespace boss
