// The engines of one project (boss.engine declarations plus the usual one) as one Engine,
// so everything above the Engine seam (observe, plan, execute, status, logs, hooks) works
// across them unchanged:
//  - a service's container is created on the engine its `engine` names ("" = the usual
//    one); calls about a container, an exec or a network go to the engine that holds it
//    (remembered from what the engines listed and made; asked of each when unknown);
//  - listing (networks, volumes, images) asks every engine the project's services use,
//    at once, and returns the union; events likewise; containers are listed on every
//    engine the project declares, used or not, each marked with its engine
//    (ContainerInfo::engine), so a service moved to another engine finds its old
//    container where it was (plan.h's forced_replacement replaces it);
//  - the project network is made on every such engine (and on one that lacks it when a
//    container is created there); a named volume on the engines of the services that
//    mount it; an image is inspected, pulled and built on the engines of the services
//    that use it, and is present only when every one of them has it;
//  - a declared engine's failure names it: "engine 'edge' (tcp://10.0.0.5:2376): ...";
//  - a declared engine no service uses that cannot be listed (it is down) is passed over
//    with one warning (set_warn): what it may still hold stays there until it answers.
// A project whose services all run on the usual engine needs none of this: the CLI then
// hands the usual engine over as it is.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

class EngineSet final : public Engine {
 public:
  struct Member {
    std::string name;      // as declared; "" = the usual engine
    Engine* engine = nullptr;
    std::string address;   // where other engines reach its published ports; "": the engine's own answer
  };
  // `members` holds the usual engine ("") and every declared one; all must outlive the set.
  EngineSet(const Project& project, std::vector<Member> members);

  // The engine a service runs on, and the name services.lua gives it ("" = the usual).
  Engine& engine_of(const std::string& service);
  // Where a warning goes (a declared, unused engine that cannot be reached); none: dropped.
  void set_warn(std::function<void(const std::string&)> warn) { m_warn = std::move(warn); }
  // Removes the project's networks from the declared engines no service uses that hold
  // no container of the project any more (a move left them empty), after a command that
  // changed containers. Engines that do not answer are passed over; a network that
  // cannot be removed is a warning. Returns what was removed, "network NAME on engine 'X'".
  std::vector<std::string> tidy_unused();
  // Indices of the engines the project's services use, in members' order.
  const std::vector<std::size_t>& active() const { return m_active; }

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
  std::string published_address(const std::string& id) override;
  std::size_t engine_count() const override { return m_members.size(); }
  std::size_t engine_index(const std::string& service) const override { return member_of(service); }

 private:
  // Runs fn on member i, a declared engine's EngineError renamed to name it.
  template <typename Fn>
  auto on(std::size_t i, Fn&& fn) -> decltype(fn(*static_cast<Engine*>(nullptr)));
  // Runs fn(i) for every index at once (on this thread when there is one); rethrows the
  // first failure, in the indices' order, once all have ended.
  void each(const std::vector<std::size_t>& indices, const std::function<void(std::size_t)>& fn);
  // The member holding container (or exec) `id`: remembered, else the first that knows it.
  std::size_t holder(const std::string& id);
  void remember(const std::string& id, std::size_t member);
  std::size_t member_of(const std::string& service) const;
  // Members whose services use image `ref` (or mount volume `name`); all active ones when none do.
  std::vector<std::size_t> using_image(const std::string& ref) const;
  std::vector<std::size_t> mounting(const std::string& volume) const;
  std::vector<std::size_t> building(const std::string& tag) const;
  void ensure_network(std::size_t member, const std::string& network);

  const Project& m_project;
  std::vector<Member> m_members;
  std::vector<std::size_t> m_active;  // the engines the services use
  std::vector<std::size_t> m_all;     // every member: where containers are listed
  std::function<void(const std::string&)> m_warn;
  std::set<std::size_t> m_warned;     // unused members already warned about
  std::map<std::string, std::size_t> m_service_member;
  std::mutex m_mutex;  // guards what follows
  std::map<std::string, std::size_t> m_holder;  // container, exec and network ids
  std::map<std::string, std::set<std::size_t>> m_network_on;  // network name -> members holding it
  std::map<std::string, std::set<std::size_t>> m_volume_on;   // volume name -> members holding it
};

}  // namespace boss
