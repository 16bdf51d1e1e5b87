// Engine over the Docker Engine API 1.41 (also podman's Docker-compatible API).
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "core/engine.h"
#include "engine/http_transport.h"

namespace boss {

class DockerEngine : public Engine {
 public:
  // The engine named by DOCKER_HOST; throws FatalError for an unsupported DOCKER_HOST.
  DockerEngine();
  explicit DockerEngine(Endpoint endpoint);

  std::string endpoint() const override;
  void ping() override;

  std::vector<ContainerInfo> list_containers(const Labels& filter) override;
  std::optional<ContainerState> inspect_container(const std::string& id) override;
  std::string create_container(const ContainerSpec& spec) override;
  void start_container(const std::string& id) override;
  StopResult stop_container(const std::string& id, double timeout_seconds) override;
  void remove_container(const std::string& id) override;
  void rename_container(const std::string& id, const std::string& name) override;
  std::string logs_tail(const std::string& id, int lines) override;
  void follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                   const Cancel& cancel) override;
  ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) override;

  std::optional<ImageInfo> inspect_image(const std::string& ref) override;
  void pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                  const Cancel& cancel) override;
  void push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                  const Cancel& cancel) override;
  void put_archive(const std::string& id, const std::string& directory, const std::string& tar) override;
  std::optional<ContainerStats> container_stats(const std::string& id, std::chrono::milliseconds timeout) override;
  void build_image(const BuildRequest& request, const ProgressFn& progress, const Cancel& cancel) override;
  void remove_image(const std::string& image) override;
  std::vector<ImageSummary> list_images(const Labels& filter) override;
  std::vector<VolumeInfo> list_volumes(const Labels& filter) override;
  void create_volume(const std::string& name, const Labels& labels) override;
  void remove_volume(const std::string& name) override;

  std::vector<NetworkInfo> list_networks(const Labels& filter) override;
  std::string create_network(const std::string& name, const Labels& labels) override;
  void remove_network(const std::string& id) override;
  void watch_events(const Labels& filter, const EngineEventFn& on_event, const std::function<void()>& on_subscribed,
                    const Cancel& cancel) override;

  std::string create_exec(const std::string& container_id, const ExecSpec& spec) override;
  std::unique_ptr<AttachedStreams> start_exec(const std::string& exec_id, bool tty) override;
  void resize_exec(const std::string& exec_id, int rows, int columns) override;
  int exec_exit_code(const std::string& exec_id, const Cancel& cancel) override;
  std::unique_ptr<AttachedStreams> attach_container(const std::string& id, bool stdin, bool tty) override;
  void resize_container(const std::string& id, int rows, int columns) override;
  int wait_container(const std::string& id, const Cancel& cancel) override;
  // podman's API service runs health checks only from systemd timers, which are not
  // there without systemd: on podman, this runs one (libpod's own endpoint).
  std::optional<std::string> run_health_check(const std::string& id) override;
  SwarmState swarm_state() override;
  std::string registry_digest(const std::string& ref, const RegistryAuth& auth) override;
  std::vector<SwarmService> list_services(const Labels& filter) override;
  std::string create_service(const SwarmServiceSpec& spec, const RegistryAuth& auth) override;
  void update_service(const std::string& id, std::uint64_t version, const SwarmServiceSpec& spec,
                      const RegistryAuth& auth) override;
  void remove_service(const std::string& id) override;
  std::vector<SwarmTask> list_tasks(const std::vector<std::string>& services) override;
  std::vector<SwarmNode> list_nodes() override;
  std::string create_overlay_network(const std::string& name, const Labels& labels) override;
  // The host of a tcp:// or ssh:// endpoint; "" for a unix socket.
  std::string published_address(const std::string& id) override;

  // True when the engine is podman (its /version names the "Podman Engine"); asked once.
  bool is_podman();

 private:
  // Sends an upgrade request and returns the process's streams on the connection the
  // engine takes over; an error status throws EngineError("<what>: <engine's message>").
  std::unique_ptr<AttachedStreams> hijack(const std::string& what, const HttpRequest& request, bool tty);
  // Sends `request`; transport failures become EngineError("<what>: ..."), a cancelled
  // request Interrupted("<what>: cancelled").
  HttpResponse send(const std::string& what, const HttpRequest& request);
  // Sends `request` and throws EngineError("<what>: <engine's message>", status) unless
  // the status is 2xx or one of `accepted`.
  HttpResponse send_expecting(const std::string& what, const HttpRequest& request,
                              std::initializer_list<int> accepted = {});
  // Sends `request` (as send_expecting) with `cancel`: false when it was cancelled.
  bool send_until_cancelled(const std::string& what, const HttpRequest& request, const Cancel& cancel);
  // Sends a pull or build request whose response is a JSON progress stream; progress
  // steps go to `progress`, an error object throws EngineError("<what>: <error>").
  void send_streaming(const std::string& what, HttpRequest request, const ProgressFn& progress,
                      const Cancel& cancel);
  // One GET /containers/{id}/logs, its lines to `on_line`; false when it was cancelled.
  bool read_logs(const std::string& what, const std::string& id, const LogRequest& log, const LogLineFn& on_line,
                 const Cancel& cancel);
  // send_streaming for a pull or push with `auth`; a registry's refusal becomes the one
  // line unauthorized_error() gives.
  void send_to_registry(const std::string& verb, const std::string& ref, HttpRequest request,
                        const RegistryAuth& auth, const ProgressFn& progress, const Cancel& cancel);
  int wait_for_exec_exit(const std::string& what, const std::string& exec_id, const Cancel& cancel);

  HttpTransport m_transport;
  std::once_flag m_version_asked;
  bool m_podman = false;
};

}  // namespace boss
