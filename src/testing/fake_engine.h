// An in-memory Engine for unit tests: containers, images and networks live in maps, every
// call is recorded ("create todo-web"), and failures can be scripted. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/engine.h"

namespace boss::testing {

class FakeEngine : public Engine {
 public:
  struct Container {
    ContainerInfo info;
    ContainerSpec spec;
    int exit_code = 0;
  };

  // --- scripting ---
  void add_image(const std::string& ref, const std::string& id);
  // Images that can be pulled (ref -> id); pulling anything else fails "not found".
  void add_pullable(const std::string& ref, const std::string& id);
  std::set<std::string> fail_create;   // images whose create fails
  std::set<std::string> exit_on_start; // images whose containers exit (code 1) right after start
  std::set<std::string> fail_build;    // tags whose build fails
  bool unreachable = false;
  std::function<ExecResult(const Container&, const std::vector<std::string>&)> exec_handler;
  // Adds a container directly, as if left by an earlier run.
  std::string add_container(const ContainerSpec& spec, const std::string& state);

  // --- inspection ---
  std::vector<std::string> calls() const;
  // Calls that changed something (create/start/stop/remove/pull/build/network), in order.
  std::vector<std::string> mutations() const;
  std::vector<Container> containers() const;
  std::optional<Container> container_named(const std::string& name) const;
  std::size_t network_count() const;

  // --- Engine ---
  std::string endpoint() const override { return "fake://engine"; }
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
  void build_image(const std::string& context_dir, const std::string& dockerfile, const std::string& tag,
                   const Labels& labels, const ProgressFn& progress) override;
  std::vector<NetworkInfo> list_networks(const Labels& filter) override;
  std::string create_network(const std::string& name, const Labels& labels) override;
  void remove_network(const std::string& id) override;

 private:
  void record(const std::string& call, bool mutation);
  std::string next_id(const char* prefix);

  mutable std::mutex m_mutex;
  std::map<std::string, Container> m_containers;  // by id
  std::map<std::string, std::string> m_images;     // ref -> id
  std::map<std::string, std::string> m_pullable;
  std::map<std::string, NetworkInfo> m_networks;   // by id
  std::vector<std::string> m_calls;
  std::vector<std::string> m_mutations;
  int m_counter = 0;
};

}  // namespace boss::testing
