// An Engine decorator for -v: forwards every call to the wrapped engine and traces one
// line per call, failures included:
//   engine: create_container todo-web -> 3f2a1b4c5d6e (12 ms)
//   engine: start_container 3f2a1b4c5d6e -> error: start container ...: ... (3 ms)
#pragma once

#include <functional>
#include <string>

#include "core/engine.h"

namespace boss {

class TracingEngine : public Engine {
 public:
  using TraceFn = std::function<void(const std::string& line)>;
  // `inner` must outlive this. `trace` is called from whichever thread made the call,
  // so it must be thread-safe.
  TracingEngine(Engine& inner, TraceFn trace);

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
  void put_archive(const std::string& id, const std::string& directory, const std::string& tar) override;
  std::optional<ContainerStats> container_stats(const std::string& id, std::chrono::milliseconds timeout) override;
  ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) override;

  std::optional<ImageInfo> inspect_image(const std::string& ref) override;
  void pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                  const Cancel& cancel) override;
  void push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                  const Cancel& cancel) override;
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
  std::optional<std::string> run_health_check(const std::string& id) override;
  std::string published_address(const std::string& id) override { return m_inner.published_address(id); }

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

 private:
  // Runs `call`, traces "engine: <call> <args> -> <describe(result)> (<ms> ms)" or the
  // failure, and returns the result or rethrows.
  template <typename Call, typename Describe>
  auto traced(const std::string& call, const std::string& args, Call&& run, Describe&& describe);

  Engine& m_inner;
  TraceFn m_trace;
};

}  // namespace boss
