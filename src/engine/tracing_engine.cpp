#include "engine/tracing_engine.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <type_traits>

namespace boss {

namespace {

// Ids are 64 hex digits; 12 are enough to recognise one in a trace.
std::string short_id(const std::string& id) {
  std::string text = id;
  if (text.rfind("sha256:", 0) == 0) text.erase(0, 7);
  return text.size() > 12 ? text.substr(0, 12) : text;
}

std::string join_labels(const Labels& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

std::string count(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

const auto kOk = [] { return std::string("ok"); };

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

TracingEngine::TracingEngine(Engine& inner, TraceFn trace)
    : m_inner(inner), m_trace(std::move(trace)) {}

template <typename Call, typename Describe>
auto TracingEngine::traced(const std::string& call, const std::string& args, Call&& run,
                           Describe&& describe) {
  const auto start = std::chrono::steady_clock::now();
  auto line = [&](const std::string& outcome) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (m_trace)
      m_trace("engine: " + call + (args.empty() ? "" : " " + args) + " -> " + outcome + " (" +
              std::to_string(ms) + " ms)");
  };
  try {
    if constexpr (std::is_void_v<decltype(run())>) {
      run();
      line(describe());
    } else {
      auto result = run();
      line(describe(result));
      return result;
    }
  } catch (const std::exception& error) {
    line(std::string("error: ") + error.what());
    throw;
  }
}

std::string TracingEngine::endpoint() const { return m_inner.endpoint(); }

void TracingEngine::ping() {
  traced("ping", m_inner.endpoint(), [&] { m_inner.ping(); }, kOk);
}

std::vector<ContainerInfo> TracingEngine::list_containers(const Labels& filter) {
  return traced(
      "list_containers", join_labels(filter), [&] { return m_inner.list_containers(filter); },
      [](const auto& list) { return count(list.size(), "container"); });
}

std::optional<ContainerState> TracingEngine::inspect_container(const std::string& id) {
  return traced(
      "inspect_container", short_id(id), [&] { return m_inner.inspect_container(id); },
      [](const auto& state) { return state ? state->status : std::string("not found"); });
}

std::string TracingEngine::create_container(const ContainerSpec& spec) {
  return traced(
      "create_container", spec.name, [&] { return m_inner.create_container(spec); },
      [](const std::string& id) { return short_id(id); });
}

void TracingEngine::start_container(const std::string& id) {
  traced("start_container", short_id(id), [&] { m_inner.start_container(id); }, kOk);
}

StopResult TracingEngine::stop_container(const std::string& id, double timeout_seconds) {
  return traced(
      "stop_container", short_id(id) + " t=" + format_number(timeout_seconds),
      [&] { return m_inner.stop_container(id, timeout_seconds); },
      [](const StopResult& result) { return std::string(result.killed ? "killed after the timeout" : "ok"); });
}

void TracingEngine::remove_container(const std::string& id) {
  traced("remove_container", short_id(id), [&] { m_inner.remove_container(id); }, kOk);
}

void TracingEngine::rename_container(const std::string& id, const std::string& name) {
  traced("rename_container", short_id(id) + " " + name, [&] { m_inner.rename_container(id, name); }, kOk);
}

std::string TracingEngine::logs_tail(const std::string& id, int lines) {
  return traced(
      "logs_tail", short_id(id) + " " + std::to_string(lines),
      [&] { return m_inner.logs_tail(id, lines); },
      [](const std::string& text) { return std::to_string(text.size()) + " bytes"; });
}

void TracingEngine::follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                                const Cancel& cancel) {
  std::size_t lines = 0;
  traced(
      "follow_logs", short_id(id) + (request.follow ? " follow" : ""),
      [&] {
        m_inner.follow_logs(
            id, request,
            [&](const LogLine& line) {
              ++lines;
              on_line(line);
            },
            cancel);
      },
      [&] { return count(lines, "line"); });
}

void TracingEngine::put_archive(const std::string& id, const std::string& directory, const std::string& tar) {
  traced(
      "put_archive", short_id(id) + " " + directory + " (" + std::to_string(tar.size()) + " bytes)",
      [&] { m_inner.put_archive(id, directory, tar); }, kOk);
}

std::optional<ContainerStats> TracingEngine::container_stats(const std::string& id, std::chrono::milliseconds timeout) {
  return traced(
      "container_stats", short_id(id), [&] { return m_inner.container_stats(id, timeout); },
      [](const std::optional<ContainerStats>& stats) {
        return stats ? "memory " + std::to_string(stats->memory_usage) + " bytes" : std::string("none");
      });
}

ExecResult TracingEngine::exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) {
  return traced(
      "exec", short_id(id) + " " + join_argv(argv), [&] { return m_inner.exec(id, argv, cancel); },
      [](const ExecResult& result) { return "exit " + std::to_string(result.exit_code); });
}

std::optional<ImageInfo> TracingEngine::inspect_image(const std::string& ref) {
  return traced(
      "inspect_image", ref, [&] { return m_inner.inspect_image(ref); },
      [](const auto& image) { return image ? short_id(image->id) : std::string("not found"); });
}

// Credentials are shown only as whether there were any: never a name or a secret.
std::string with_auth(const std::string& ref, const RegistryAuth& auth) {
  return ref + (auth.empty() ? " (no credentials)" : " (with credentials)");
}

void TracingEngine::pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                               const Cancel& cancel) {
  traced("pull_image", with_auth(ref, auth), [&] { m_inner.pull_image(ref, auth, progress, cancel); }, kOk);
}

void TracingEngine::push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                               const Cancel& cancel) {
  traced("push_image", with_auth(ref, auth), [&] { m_inner.push_image(ref, auth, progress, cancel); }, kOk);
}

void TracingEngine::build_image(const BuildRequest& request, const ProgressFn& progress, const Cancel& cancel) {
  traced("build_image", request.tag + " from " + request.context_dir,
         [&] { m_inner.build_image(request, progress, cancel); }, kOk);
}

void TracingEngine::remove_image(const std::string& image) {
  traced("remove_image", short_id(image), [&] { m_inner.remove_image(image); }, kOk);
}

std::vector<ImageSummary> TracingEngine::list_images(const Labels& filter) {
  return traced(
      "list_images", join_labels(filter), [&] { return m_inner.list_images(filter); },
      [](const auto& list) { return count(list.size(), "image"); });
}

std::vector<VolumeInfo> TracingEngine::list_volumes(const Labels& filter) {
  return traced(
      "list_volumes", join_labels(filter), [&] { return m_inner.list_volumes(filter); },
      [](const auto& list) { return count(list.size(), "volume"); });
}

void TracingEngine::create_volume(const std::string& name, const Labels& labels) {
  traced("create_volume", name, [&] { m_inner.create_volume(name, labels); }, kOk);
}

void TracingEngine::remove_volume(const std::string& name) {
  traced("remove_volume", name, [&] { m_inner.remove_volume(name); }, kOk);
}

std::vector<NetworkInfo> TracingEngine::list_networks(const Labels& filter) {
  return traced(
      "list_networks", join_labels(filter), [&] { return m_inner.list_networks(filter); },
      [](const auto& list) { return count(list.size(), "network"); });
}

std::string TracingEngine::create_network(const std::string& name, const Labels& labels) {
  return traced(
      "create_network", name, [&] { return m_inner.create_network(name, labels); },
      [](const std::string& id) { return short_id(id); });
}

void TracingEngine::remove_network(const std::string& id) {
  traced("remove_network", short_id(id), [&] { m_inner.remove_network(id); }, kOk);
}

void TracingEngine::watch_events(const Labels& filter, const EngineEventFn& on_event,
                                 const std::function<void()>& on_subscribed, const Cancel& cancel) {
  std::size_t events = 0;
  traced(
      "watch_events", join_labels(filter),
      [&] {
        m_inner.watch_events(
            filter,
            [&](const EngineEvent& event) {
              ++events;
              on_event(event);
            },
            on_subscribed, cancel);
      },
      [&] { return count(events, "event"); });
}

std::string TracingEngine::create_exec(const std::string& container_id, const ExecSpec& spec) {
  return traced(
      "create_exec", short_id(container_id) + " " + join_argv(spec.argv) + (spec.tty ? " (tty)" : ""),
      [&] { return m_inner.create_exec(container_id, spec); }, [](const std::string& id) { return short_id(id); });
}

std::unique_ptr<AttachedStreams> TracingEngine::start_exec(const std::string& exec_id, bool tty) {
  return traced(
      "start_exec", short_id(exec_id), [&] { return m_inner.start_exec(exec_id, tty); },
      [](const std::unique_ptr<AttachedStreams>&) { return std::string("attached"); });
}

void TracingEngine::resize_exec(const std::string& exec_id, int rows, int columns) {
  traced(
      "resize_exec", short_id(exec_id) + " " + std::to_string(rows) + "x" + std::to_string(columns),
      [&] { m_inner.resize_exec(exec_id, rows, columns); }, kOk);
}

int TracingEngine::exec_exit_code(const std::string& exec_id, const Cancel& cancel) {
  return traced(
      "exec_exit_code", short_id(exec_id), [&] { return m_inner.exec_exit_code(exec_id, cancel); },
      [](int code) { return "exit " + std::to_string(code); });
}

std::unique_ptr<AttachedStreams> TracingEngine::attach_container(const std::string& id, bool stdin, bool tty) {
  return traced(
      "attach_container", short_id(id) + (stdin ? " stdin" : "") + (tty ? " tty" : ""),
      [&] { return m_inner.attach_container(id, stdin, tty); },
      [](const std::unique_ptr<AttachedStreams>&) { return std::string("attached"); });
}

void TracingEngine::resize_container(const std::string& id, int rows, int columns) {
  traced(
      "resize_container", short_id(id) + " " + std::to_string(rows) + "x" + std::to_string(columns),
      [&] { m_inner.resize_container(id, rows, columns); }, kOk);
}

int TracingEngine::wait_container(const std::string& id, const Cancel& cancel) {
  return traced(
      "wait_container", short_id(id), [&] { return m_inner.wait_container(id, cancel); },
      [](int code) { return "exit " + std::to_string(code); });
}

std::optional<std::string> TracingEngine::run_health_check(const std::string& id) {
  return traced(
      "run_health_check", short_id(id), [&] { return m_inner.run_health_check(id); },
      [](const std::optional<std::string>& health) { return health ? *health : std::string("the engine runs its own"); });
}

SwarmState TracingEngine::swarm_state() {
  return traced(
      "swarm_state", "", [&] { return m_inner.swarm_state(); },
      [](const SwarmState& s) { return (s.node_state.empty() ? "inactive" : s.node_state) + (s.manager ? ", manager" : ""); });
}

std::string TracingEngine::registry_digest(const std::string& ref, const RegistryAuth& auth) {
  return traced(
      "registry_digest", ref + (auth.empty() ? "" : " with credentials"),
      [&] { return m_inner.registry_digest(ref, auth); }, [](const std::string& digest) { return digest; });
}

std::vector<SwarmService> TracingEngine::list_services(const Labels& filter) {
  return traced(
      "list_services", join_labels(filter), [&] { return m_inner.list_services(filter); },
      [](const auto& list) { return count(list.size(), "service"); });
}

std::string TracingEngine::create_service(const SwarmServiceSpec& spec, const RegistryAuth& auth) {
  return traced(
      "create_service", spec.name + (auth.empty() ? "" : " with credentials"),
      [&] { return m_inner.create_service(spec, auth); }, [](const std::string& id) { return short_id(id); });
}

void TracingEngine::update_service(const std::string& id, std::uint64_t version, const SwarmServiceSpec& spec,
                                   const RegistryAuth& auth) {
  traced(
      "update_service", spec.name + " version " + std::to_string(version) + (auth.empty() ? "" : " with credentials"),
      [&] { m_inner.update_service(id, version, spec, auth); }, kOk);
}

void TracingEngine::remove_service(const std::string& id) {
  traced("remove_service", short_id(id), [&] { m_inner.remove_service(id); }, kOk);
}

std::vector<SwarmTask> TracingEngine::list_tasks(const std::vector<std::string>& services) {
  return traced(
      "list_tasks", count(services.size(), "service"), [&] { return m_inner.list_tasks(services); },
      [](const auto& list) { return count(list.size(), "task"); });
}

std::vector<SwarmNode> TracingEngine::list_nodes() {
  return traced(
      "list_nodes", "", [&] { return m_inner.list_nodes(); },
      [](const auto& list) { return count(list.size(), "node"); });
}

std::string TracingEngine::create_overlay_network(const std::string& name, const Labels& labels) {
  return traced(
      "create_overlay_network", name, [&] { return m_inner.create_overlay_network(name, labels); },
      [](const std::string& id) { return short_id(id); });
}

}  // namespace boss
