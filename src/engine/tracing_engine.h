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
  void stop_container(const std::string& id, int timeout_seconds) override;
  void remove_container(const std::string& id) override;
  std::string logs_tail(const std::string& id, int lines) override;
  ExecResult exec(const std::string& id, const std::vector<std::string>& argv) override;

  std::optional<ImageInfo> inspect_image(const std::string& ref) override;
  void pull_image(const std::string& ref, const ProgressFn& progress) override;
  void build_image(const std::string& context_dir, const std::string& dockerfile,
                   const std::string& tag, const Labels& labels,
                   const ProgressFn& progress) override;

  std::vector<NetworkInfo> list_networks(const Labels& filter) override;
  std::string create_network(const std::string& name, const Labels& labels) override;
  void remove_network(const std::string& id) override;

 private:
  // Runs `call`, traces "engine: <call> <args> -> <describe(result)> (<ms> ms)" or the
  // failure, and returns the result or rethrows.
  template <typename Call, typename Describe>
  auto traced(const std::string& call, const std::string& args, Call&& run, Describe&& describe);

  Engine& m_inner;
  TraceFn m_trace;
};

}  // namespace boss
