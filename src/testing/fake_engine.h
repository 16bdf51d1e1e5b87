// An in-memory Engine for unit tests: containers, images, volumes and networks live in maps, every
// call is recorded ("create todo-web"), failures can be scripted, and container changes
// are published to watch_events subscribers as the real engine does. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <optional>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/engine.h"
#include "testing/fake_attached.h"

namespace boss::testing {

class FakeEngine : public Engine {
 public:
  struct Container {
    ContainerInfo info;
    ContainerSpec spec;
    int exit_code = 0;
    std::vector<LogLine> logs;  // what follow_logs and logs_tail return
    std::optional<std::chrono::system_clock::time_point> started_at;
    std::string health;      // "", "starting", "healthy", "unhealthy"
    std::string health_log;  // the last check's output
  };

  // --- scripting ---
  void add_image(const std::string& ref, const std::string& id);
  // Images that can be pulled (ref -> id); pulling anything else fails "not found".
  void add_pullable(const std::string& ref, const std::string& id);
  // Put before every id it makes, so the ids of several fakes (an EngineSet's) differ.
  std::string id_prefix;
  std::set<std::string> fail_create;   // images whose create fails
  std::set<std::string> exit_on_start; // images whose containers exit (code 1) right after start
  // Images whose containers' runs end with these codes, one per start (the last one
  // repeats), when waited for (jobs).
  std::map<std::string, std::deque<int>> run_exit_codes;
  std::set<std::string> ignore_stop_signal;  // images whose containers are killed by stop
  std::set<std::string> fail_build;    // tags whose build fails
  // Registries (registry_host) that take only these credentials: a pull or push without
  // them fails as the real engine's refusal does.
  std::map<std::string, RegistryAuth> registry_credentials;
  // Images with a health check of their own, and the status their containers report
  // right after start: "starting", or "healthy" as if the check passed before anyone
  // could subscribe. healthcheck = false turns it off; containers created with a
  // healthcheck of their own start "starting" unless their image is listed here.
  std::map<std::string, std::string> image_health;
  bool unreachable = false;
  // Set: the engine runs health checks only when asked (podman without systemd):
  // run_health_check returns what this returns (the run's own answer) and the container
  // keeps the health (and health_log) this leaves in it. Unset: the engine runs them
  // itself (Docker) and run_health_check returns nullopt.
  std::function<std::string(Container&)> health_runner;
  std::function<ExecResult(const Container&, const std::vector<std::string>&)> exec_handler;
  // What container_stats says of a running container (it may throw, or take its time; the
  // timeout is the caller's). Unset: 1 MiB in use, its mem_limit (or 0) as the limit.
  std::function<ContainerStats(const Container&, std::chrono::milliseconds timeout)> stats_handler;
  // The tars put_archive was given, in order.
  std::vector<std::string> archives;
  // Attached processes (exec with streams, a one-off's own process): what each does.
  // `argv` is the exec's, or empty for a container's own process. Default: no output, 0.
  std::function<ScriptedProcess(const Container&, const std::vector<std::string>& argv)> attached_handler;
  // What the last attached process received on stdin.
  std::shared_ptr<ReceivedInput> last_input() const;
  // Adds a container directly, as if left by an earlier run.
  std::string add_container(const ContainerSpec& spec, const std::string& state);
  // The container's process exits now with `code` (a "die" event).
  void exit_container(const std::string& id, int code);
  // The engine's health check gives a new verdict ("healthy", "unhealthy"), with the
  // check's output: a "health_status: STATUS" event.
  void set_health(const std::string& id, const std::string& status, const std::string& output = "");
  // The container writes a line (a running follow_logs sees it).
  void write_log(const std::string& id, LogLine line);
  // Blocks until `n` watch_events subscriptions are active (tests synchronise on it).
  void wait_for_subscribers(std::size_t n) const;
  // Blocks until `call` ("start demo-db") has been made (tests synchronise on it).
  void wait_for_call(const std::string& call) const;

  // --- inspection ---
  std::vector<std::string> calls() const;
  // Calls that changed something (create/start/stop/remove/pull/build/network), in order.
  std::vector<std::string> mutations() const;
  std::vector<Container> containers() const;
  std::optional<Container> container_named(const std::string& name) const;
  std::size_t network_count() const;
  // The grace the last stop of the container named `name` was given (-1: never stopped).
  double stop_grace(const std::string& name) const;

  // --- Engine ---
  std::string endpoint() const override { return "fake://engine"; }
  void ping() override;
  std::vector<ContainerInfo> list_containers(const Labels& filter) override;
  std::optional<ContainerState> inspect_container(const std::string& id) override;
  std::optional<std::string> run_health_check(const std::string& id) override;
  std::string create_container(const ContainerSpec& spec) override;
  void start_container(const std::string& id) override;
  StopResult stop_container(const std::string& id, double timeout_seconds) override;
  void remove_container(const std::string& id) override;
  void rename_container(const std::string& id, const std::string& name) override;
  std::string logs_tail(const std::string& id, int lines) override;
  void follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                   const Cancel& cancel) override;
  // Recorded as "put_archive ID DIRECTORY"; the tar is kept in `archives`.
  void put_archive(const std::string& id, const std::string& directory, const std::string& tar) override;
  // Recorded as "stats ID"; nullopt for a container that is gone or does not run.
  std::optional<ContainerStats> container_stats(const std::string& id, std::chrono::milliseconds timeout) override;
  ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) override;
  std::optional<ImageInfo> inspect_image(const std::string& ref) override;
  // Recorded as "pull REF" ("pull REF as USER" with credentials); push likewise.
  void pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                  const Cancel& cancel) override;
  // Pushing a local image makes it pullable.
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

 private:
  struct Exec {
    std::string container_id;
    ExecSpec spec;
    int exit_code = 0;
  };
  std::unique_ptr<AttachedStreams> attached(const Container& c, const std::vector<std::string>& argv, int& exit_code);
  struct Subscriber {
    Labels filter;
    std::deque<EngineEvent> queue;
  };
  void record(const std::string& call, bool mutation);
  std::string next_id(const char* prefix);
  std::map<std::string, Container>::iterator find_container(const std::string& id_or_name);
  std::map<std::string, NetworkInfo>::iterator find_network(const std::string& id_or_name);
  // With m_mutex held: tells every subscriber whose filter matches.
  void publish(const Container& c, const std::string& action);
  // With m_mutex held: throws the refusal when `ref`'s registry wants other credentials.
  void check_credentials(const std::string& verb, const std::string& ref, const RegistryAuth& auth) const;
  // A pull (registry -> local images) or a push (the other way), recorded and reported.
  void transfer(bool push, const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress);

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;  // events published, logs written, subscribers
  std::list<Subscriber> m_subscribers;
  std::map<std::string, Container> m_containers;  // by id
  std::map<std::string, std::string> m_images;     // ref -> id
  std::map<std::string, std::string> m_pullable;
  std::map<std::string, Labels> m_image_labels;    // image id -> labels (builds set them)
  std::map<std::string, VolumeInfo> m_volumes;     // by name
  std::map<std::string, NetworkInfo> m_networks;   // by id
  std::map<std::string, Exec> m_execs;  // by id
  std::shared_ptr<ReceivedInput> m_last_input;
  std::vector<std::string> m_calls;
  std::vector<std::string> m_mutations;
  std::map<std::string, double> m_stop_grace;  // by container name
  int m_counter = 0;
};

}  // namespace boss::testing
