// On-demand services (`on_demand = true`), started by `boss proxy` when a request for one
// finds it not running. Boost-free, and nothing here waits for the engine: the server's
// IO threads call demand(), status() and when_settled(), which only take a mutex.
//
// Contract:
//   - Single flight: a service asked for while it is queued or starting begins nothing
//     more; every asker sees the same start and its end.
//   - One start at a time, on the starter's own thread, through `StartFn` (boss proxy's:
//     Runtime::start, so dependencies, hooks, ping and the summary are start's own). A
//     Runtime runs one operation at a time; services asked for meanwhile are queued and
//     started together by the next one.
//   - What a start is doing is read from its events (emit(): the Runtime's EventSink,
//     teed), per service and instance, for the starting page.
//   - A failed start is remembered for `retry_after`: askers meanwhile get its failure
//     (a browser's refreshing page ends on it) instead of a new attempt. A start that
//     came up less than `up_grace` ago is not begun again (the proxy's view of the
//     containers may be older than the start).
//   - Stops too (with `Lifecycle`), on the same thread, one operation at a time: an idle
//     service past its idle_timeout (idle.h), and under --memory-budget the least
//     recently used idle ones a start needs room for (budget.h), through `StopFn`
//     (Runtime::stop). Use is counted by begin_use/end_use under the same mutex that
//     marks a service `stopping`, so a service is never stopped under a request that
//     began: one that comes while it stops waits, and starts it again.
//   - A start the budget refuses fails with `over_budget` and is remembered only for
//     `refused_for` (so a browser's refreshing page ends on it): then a request asks again.
//   - run_exclusive() runs any other Runtime operation (a launch, a launched container's
//     removal: launch_api.h) on the same thread, between starts and stops, so no two
//     operations of the proxy's ever run at once.
//   - Launched containers (core/launch.h) it is told of (add_launched) count as on-demand
//     services of their own: their template's idle_timeout stops them (Lifecycle::stop
//     removes them: a launch is never started again), and --memory-budget counts their
//     template's mem_limit, a launch making room (make_room) as a start does.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/events.h"
#include "core/outcome.h"
#include "core/project.h"
#include "proxy/activity.h"
#include "proxy/idle.h"

namespace boss {

enum class DemandState {
  stopped,   // not asked for (or settled long ago): the proxy found it not running
  queued,    // waits for the start under way to end
  starting,  // its start runs
  up,        // its last start succeeded
  failed,    // its last start failed (reason, logs)
  stopping,  // the proxy stops it (idle, or to fit the memory budget)
};

// One service (instance) of the start under way, as its last event said.
struct StartProgress {
  std::string service;
  int instance = 0;     // 0: a single container
  std::string phase;    // phase_name(): "pulling", "waiting", "up", ...
  std::string reason;   // the event's reason ("" when it gave none)
  bool operator==(const StartProgress&) const = default;
};

struct DemandStatus {
  DemandState state = DemandState::stopped;
  std::string reason;  // failed: why, one line
  std::string logs;    // failed: the tail of the failed container's output
  std::vector<StartProgress> progress;  // starting: each service of the start, in its order
  bool behind_another = false;           // queued while another start runs (else it begins at once)
  bool over_budget = false;              // failed: --memory-budget has no room for it (reason says why)
};

// Whether `state` will change without anyone asking (queued, starting or stopping).
bool is_settling(DemandState state);
const char* demand_state_name(DemandState state);

class OnDemandStarter : public EventSink, public UseListener {
 public:
  // Starts the named services and what they depend on; exceptions are failures.
  using StartFn = std::function<CommandResult(const std::vector<std::string>& services)>;
  struct Timing {
    std::chrono::milliseconds retry_after{5000};
    std::chrono::milliseconds up_grace{2000};
    std::chrono::milliseconds refused_for{2000};  // a budget refusal, for a browser's next load
  };
  // What it needs to stop services by itself; without a project it never does.
  struct Lifecycle {
    const Project* project = nullptr;
    // Stops these services (and their dependents), as `boss stop` would; exceptions are failures.
    std::function<CommandResult(const std::vector<std::string>& services)> stop;
    // The project's services with a running container now (an engine call).
    std::function<std::set<std::string>()> running;
    std::optional<std::int64_t> memory_budget;  // bytes
    std::function<void(const std::string&)> log;  // one line per decision, with why
    std::function<void(const std::string&)> stopped;  // after each service's stop (forget its address)
  };

  OnDemandStarter(StartFn start, Timing timing, Lifecycle lifecycle);
  OnDemandStarter(StartFn start, Timing timing) : OnDemandStarter(std::move(start), timing, Lifecycle{}) {}
  explicit OnDemandStarter(StartFn start) : OnDemandStarter(std::move(start), Timing{}) {}
  // Waits for the start under way (cancel it first to make that quick).
  ~OnDemandStarter() override;
  OnDemandStarter(const OnDemandStarter&) = delete;
  OnDemandStarter& operator=(const OnDemandStarter&) = delete;

  // Queues a start of `service` unless the contract above says not to; its status after.
  // `again`: even if it came up less than `up_grace` ago (the caller looked again, after
  // that start, and it does not run).
  DemandStatus demand(const std::string& service, bool again = false);
  DemandStatus status(const std::string& service) const;
  // `done` is called once `service` is neither queued nor starting: at once, on this
  // thread, when it already is not; else on the starter's thread, without the starter's
  // state mutex held (it may ask status()), but while close() waits for it: it must hand
  // the news on quickly (post it). Never called after close() returned.
  void when_settled(const std::string& service, std::function<void()> done);
  // Forgets every when_settled callback not yet called, and calls none from now on: the
  // server calls it before the executors its callbacks post to go away.
  void close();

  void emit(const Event& event) override;

  // A request to `service` is being proxied, or a connection to it is open; end_use()
  // when it ends. ServiceActivity (activity.h) calls these, once per request; a service
  // that is not on demand (with a Lifecycle's project) is not counted. Call begin_use
  // before asking status() for it.
  void begin_use(const std::string& service) override;
  void end_use(const std::string& service) override;
  // The uses of `service` open now, as the idle clock counts them.
  int uses(const std::string& service) const;

  // Runs `task` on the starter's thread, after the start or stop under way, and returns
  // when it has: its exception is rethrown here. Throws std::runtime_error, without
  // running it, once the starter is being destroyed.
  void run_exclusive(const std::function<void()>& task);

  // Launched container `spec.name` (core/launch.h's launched_spec) runs: from now on it is
  // counted and stopped like an on-demand service, its idle clock starting now.
  void add_launched(const ServiceSpec& spec);
  // It is gone (removed by someone else): no longer counted.
  void forget_launched(const std::string& name);
  // Under --memory-budget: stops the least recently used idle services and launched
  // containers that `spec` (a launch about to start) needs room for; "" when it fits (or
  // there is no budget), else why it cannot, one line, having stopped nothing. Only from
  // a run_exclusive() task.
  std::string make_room(const ServiceSpec& spec);

 private:
  struct Entry {
    DemandState state = DemandState::stopped;
    std::string reason;
    std::string logs;
    std::chrono::steady_clock::time_point settled_at;
    std::vector<std::function<void()>> waiters;
    bool over_budget = false;
    bool start_after_stop = false;  // asked for while it stopped
  };
  struct Task {
    std::function<void()> run;
    bool done = false;
    std::exception_ptr error;
  };
  void run();
  void run_tasks(std::unique_lock<std::mutex>& lock);
  // Each takes the lock held and gives it back held; they drop it around engine calls.
  void stop_idle(std::unique_lock<std::mutex>& lock);
  void start_queued(std::unique_lock<std::mutex>& lock);
  void stop_now(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& services);
  // What runs, or nullopt (logged) when the engine cannot say.
  std::optional<std::set<std::string>> running_now();
  // Records the start's end for `service`; its when_settled callbacks are moved to `done`.
  void settle(const std::string& service, const CommandResult& result, const std::string& error,
              std::vector<std::function<void()>>& done);
  // Calls `done` unless close() was called; close() waits for a call under way.
  void notify(const std::vector<std::function<void()>>& done);
  DemandStatus status_locked(const std::string& service) const;
  // Whether begin_use/end_use count `service`: on demand (or launched), or any without a
  // project. Called with m_mutex held.
  bool counted(const std::string& service) const;

  StartFn m_start;
  Timing m_timing;
  Lifecycle m_life;
  Project m_view;  // Lifecycle::project and the launched containers added (under m_mutex)
  ServiceUses m_uses;
  const UseClock::time_point m_since = UseClock::now();
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::map<std::string, Entry> m_entries;
  std::vector<std::string> m_queue;  // asked for, in order, for the next start
  std::vector<Task*> m_tasks;         // run_exclusive()'s, in order; each lives on its caller's stack
  std::condition_variable m_task_done;
  std::vector<std::string> m_order;  // the start under way's services, as its OperationEvent listed them
  std::map<std::pair<std::string, int>, StartProgress> m_progress;  // of the start under way
  bool m_stopping = false;
  bool m_use_ended = false;  // an idle deadline may have moved: the starter's thread looks again
  std::atomic<bool> m_closed{false};  // set under m_mutex; read by notify() under m_notify
  std::mutex m_notify;                 // held while callbacks run; close() takes it after m_closed
  std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace boss
