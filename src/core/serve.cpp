#include "core/serve.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "core/run_log.h"
#include "core/time_text.h"

namespace boss {
namespace {

using SysClock = std::chrono::system_clock;

// One scheduled job: when it is due next, and its run in flight.
struct Slot {
  const ServiceSpec* spec = nullptr;
  std::optional<CronExpr> cron;
  SysClock::time_point due;
  bool running = false;
  bool queued = false;  // overlap queue/replace: run again once the running one ended
  SysClock::time_point due_queued;  // the due moment of that run
  std::thread thread;
};

// The start of the job's newest recorded run, if it has one.
std::optional<SysClock::time_point> last_run(const Project& project, const ServiceSpec& job) {
  const auto runs = read_runs(run_log_dir(project, job));
  for (auto it = runs.rbegin(); it != runs.rend(); ++it)
    if (const auto at = parse_rfc3339(it->started)) return at;
  return std::nullopt;
}

class Scheduler {
 public:
  Scheduler(Runtime& runtime, Engine& engine, EventSink& events, const ServeRequest& request, Cancel& runs,
            const TimeZone& zone)
      : m_runtime(runtime), m_engine(engine), m_events(events), m_request(request), m_runs(runs), m_zone(zone) {}

  void add(const ServiceSpec& spec, SysClock::time_point anchor) {
    auto slot = std::make_unique<Slot>();
    slot->spec = &spec;
    if (!spec.job.schedule.cron.empty()) slot->cron = parse_cron(spec.job.schedule.cron);
    m_anchor = anchor;
    const bool missed = spec.job.schedule.catch_up &&
                        missed_run(spec.job.schedule, cron_of(*slot), last_run(m_runtime.project(), spec), anchor, m_zone);
    slot->due = next_due(spec.job.schedule, cron_of(*slot), anchor, anchor, m_zone);
    m_slots.push_back(std::move(slot));
    Slot& added = *m_slots.back();
    if (missed) {
      std::lock_guard lock(m_mutex);
      launch(added, anchor, ScheduleEvent::What::catch_up);
    }
    m_events.emit_now(ScheduleEvent{spec.name, ScheduleEvent::What::next, added.due, 0});
  }

  // Until `shutdown`: each slot's run as it falls due.
  void run(const Cancel& shutdown) {
    std::unique_lock lock(m_mutex);
    while (!shutdown.requested()) {
      const auto now = SysClock::now();
      for (auto& slot : m_slots) {
        if (slot->queued && !slot->running) {
          slot->queued = false;
          launch(*slot, slot->due_queued, ScheduleEvent::What::run);
        }
        if (slot->due > now) continue;
        fall_due(*slot, slot->due);
        slot->due = next_due(slot->spec->job.schedule, cron_of(*slot), m_anchor, std::max(now, slot->due), m_zone);
        m_events.emit_now(ScheduleEvent{slot->spec->name, ScheduleEvent::What::next, slot->due, 0});
      }
      auto wake = SysClock::now() + Cancel::kPollSlice;
      for (const auto& slot : m_slots) wake = std::min(wake, slot->due);
      m_wake.wait_until(lock, wake);
    }
  }

  // No run begins any more; the running ones' containers are stopped and their runs end.
  void drain() {
    std::vector<const ServiceSpec*> running;
    {
      std::lock_guard lock(m_mutex);
      m_draining = true;
      for (auto& slot : m_slots) {
        slot->queued = false;
        if (slot->running) running.push_back(slot->spec);
      }
    }
    std::vector<std::thread> stops;
    for (const ServiceSpec* spec : running) stops.emplace_back([this, spec] { stop_containers(*spec); });
    for (auto& t : stops) t.join();
    // A run that would be retried, or still starting, is interrupted.
    {
      std::unique_lock lock(m_mutex);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      m_wake.wait_until(lock, deadline, [&] {
        return std::none_of(m_slots.begin(), m_slots.end(), [](const auto& s) { return s->running; });
      });
    }
    m_runs.request();
    for (auto& slot : m_slots)
      if (slot->thread.joinable()) slot->thread.join();
    for (const ServiceSpec* spec : running) stop_containers(*spec);
  }

 private:
  const CronExpr* cron_of(const Slot& slot) const { return slot.cron ? &*slot.cron : nullptr; }

  // Called with m_mutex held.
  void fall_due(Slot& slot, SysClock::time_point due) {
    if (!slot.running) return launch(slot, due, ScheduleEvent::What::run);
    switch (slot.spec->job.schedule.overlap) {
      case Overlap::skip:
        m_events.emit_now(ScheduleEvent{slot.spec->name, ScheduleEvent::What::skip, due, 0});
        return;
      case Overlap::queue:
        m_events.emit_now(ScheduleEvent{slot.spec->name, ScheduleEvent::What::queue, due, 0});
        slot.queued = true;
        slot.due_queued = due;
        return;
      case Overlap::replace: {
        m_events.emit_now(ScheduleEvent{slot.spec->name, ScheduleEvent::What::replace, due, 0});
        slot.queued = true;
        slot.due_queued = due;
        const ServiceSpec* spec = slot.spec;
        std::thread([this, spec] { stop_containers(*spec); }).detach();
        return;
      }
    }
  }

  // Called with m_mutex held: the run begins on a thread of its own.
  void launch(Slot& slot, SysClock::time_point due, ScheduleEvent::What what) {
    if (m_draining) return;
    if (slot.thread.joinable()) slot.thread.join();  // the last run's thread has ended
    const double late = std::chrono::duration<double>(SysClock::now() - due).count();
    m_events.emit_now(ScheduleEvent{slot.spec->name, what, due, std::max(0.0, late)});
    slot.running = true;
    slot.thread = std::thread([this, &slot] {
      StartRequest request;
      request.services = {slot.spec->name};
      request.rerun = {slot.spec->name};
      request.timeout = m_request.timeout;
      request.keep_runs = m_request.keep_runs;
      request.parallel = m_request.parallel;
      try {
        m_runtime.start(request);
      } catch (const std::exception& e) {
        m_events.emit_now(WarningEvent{"job '" + slot.spec->name + "': its run did not begin: " + e.what()});
      }
      std::lock_guard lock(m_mutex);
      slot.running = false;
      m_wake.notify_all();
    });
  }

  // Stops the job's running containers with its stop_timeout (its run then ends).
  void stop_containers(const ServiceSpec& spec) {
    try {
      for (const auto& c : m_engine.list_containers(
               {{kLabelProject, m_runtime.project().name}, {kLabelService, spec.name}}))
        if (c.running()) m_engine.stop_container(c.id, spec.stop_timeout.value_or(kDefaultStopTimeout));
    } catch (const EngineError& e) {
      m_events.emit_now(WarningEvent{"job '" + spec.name + "': stopping its run failed: " + e.what()});
    }
  }

  Runtime& m_runtime;
  Engine& m_engine;
  EventSink& m_events;
  const ServeRequest& m_request;
  Cancel& m_runs;
  const TimeZone& m_zone;
  SysClock::time_point m_anchor;
  std::vector<std::unique_ptr<Slot>> m_slots;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_draining = false;
};

}  // namespace

int serve(Runtime& runtime, Engine& engine, EventSink& events, const ServeRequest& request, const Cancel& shutdown,
          Cancel& runs, const TimeZone& zone) {
  // A signal during the first start interrupts it, as it would `boss start`.
  std::atomic<bool> started{false};
  std::thread relay([&] {
    while (!started && !shutdown.sleep_for(Cancel::kPollSlice)) {
    }
    if (!started) runs.request();
  });
  CommandResult first;
  try {
    first = runtime.start(request.start);
  } catch (...) {
    started = true;
    relay.join();
    throw;
  }
  started = true;
  relay.join();
  if (first.exit_code() != 0 || first.interrupted) return first.exit_code();
  Scheduler scheduler(runtime, engine, events, request, runs, zone);
  const auto anchor = SysClock::now();
  for (const auto& s : runtime.project().services)
    if (s.is_job && s.job.schedule.scheduled()) scheduler.add(s, anchor);
  scheduler.run(shutdown);
  scheduler.drain();
  return 0;
}

}  // namespace boss
