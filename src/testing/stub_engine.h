// An Engine whose every call fails with "unexpected engine call: <name>": a base for
// tests that need a few canned answers and want any other call to be loud.
#pragma once

#include "core/errors.h"
#include "core/engine.h"

namespace boss::testing {

class StubEngine : public Engine {
 public:
  std::string endpoint() const override { return "stub://engine"; }
  void ping() override { unexpected("ping"); }
  std::vector<ContainerInfo> list_containers(const Labels&) override { unexpected("list_containers"); }
  std::optional<ContainerState> inspect_container(const std::string&) override { unexpected("inspect_container"); }
  std::string create_container(const ContainerSpec&) override { unexpected("create_container"); }
  void start_container(const std::string&) override { unexpected("start_container"); }
  StopResult stop_container(const std::string&, double) override { unexpected("stop_container"); }
  void remove_container(const std::string&) override { unexpected("remove_container"); }
  void rename_container(const std::string&, const std::string&) override { unexpected("rename_container"); }
  std::string logs_tail(const std::string&, int) override { unexpected("logs_tail"); }
  void follow_logs(const std::string&, const LogRequest&, const LogLineFn&, const Cancel&) override {
    unexpected("follow_logs");
  }
  void put_archive(const std::string&, const std::string&, const std::string&) override { unexpected("put_archive"); }
  std::optional<ContainerStats> container_stats(const std::string&, std::chrono::milliseconds) override {
    unexpected("container_stats");
  }
  ExecResult exec(const std::string&, const std::vector<std::string>&, const Cancel&) override { unexpected("exec"); }
  std::optional<ImageInfo> inspect_image(const std::string&) override { unexpected("inspect_image"); }
  void pull_image(const std::string&, const RegistryAuth&, const ProgressFn&, const Cancel&) override {
    unexpected("pull_image");
  }
  void push_image(const std::string&, const RegistryAuth&, const ProgressFn&, const Cancel&) override {
    unexpected("push_image");
  }
  void build_image(const BuildRequest&, const ProgressFn&, const Cancel&) override { unexpected("build_image"); }
  void remove_image(const std::string&) override { unexpected("remove_image"); }
  std::vector<ImageSummary> list_images(const Labels&) override { unexpected("list_images"); }
  std::vector<VolumeInfo> list_volumes(const Labels&) override { unexpected("list_volumes"); }
  void create_volume(const std::string&, const Labels&) override { unexpected("create_volume"); }
  void remove_volume(const std::string&) override { unexpected("remove_volume"); }
  std::vector<NetworkInfo> list_networks(const Labels&) override { unexpected("list_networks"); }
  std::string create_network(const std::string&, const Labels&) override { unexpected("create_network"); }
  void remove_network(const std::string&) override { unexpected("remove_network"); }
  void watch_events(const Labels&, const EngineEventFn&, const std::function<void()>&, const Cancel&) override {
    unexpected("watch_events");
  }
  std::string create_exec(const std::string&, const ExecSpec&) override { unexpected("create_exec"); }
  std::unique_ptr<AttachedStreams> start_exec(const std::string&, bool) override { unexpected("start_exec"); }
  void resize_exec(const std::string&, int, int) override { unexpected("resize_exec"); }
  int exec_exit_code(const std::string&, const Cancel&) override { unexpected("exec_exit_code"); }
  std::unique_ptr<AttachedStreams> attach_container(const std::string&, bool, bool) override {
    unexpected("attach_container");
  }
  void resize_container(const std::string&, int, int) override { unexpected("resize_container"); }
  int wait_container(const std::string&, const Cancel&) override { unexpected("wait_container"); }

 protected:
  [[noreturn]] static void unexpected(const char* call) {
    throw EngineError(std::string("unexpected engine call: ") + call, 0);
  }
};

}  // namespace boss::testing
