#include "proxy/on_demand.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "core/phase.h"
#include "proxy/budget.h"

namespace boss {

bool is_settling(DemandState state) {
  return state == DemandState::queued || state == DemandState::starting || state == DemandState::stopping;
}

const char* demand_state_name(DemandState state) {
  switch (state) {
    case DemandState::stopped: return "stopped";
    case DemandState::queued: return "queued";
    case DemandState::starting: return "starting";
    case DemandState::up: return "up";
    case DemandState::failed: return "failed";
    case DemandState::stopping: return "stopping";
  }
  return "?";
}

OnDemandStarter::OnDemandStarter(StartFn start, Timing timing, Lifecycle lifecycle)
    : m_start(std::move(start)),
      m_timing(timing),
      m_life(std::move(lifecycle)),
      m_view(m_life.project ? *m_life.project : Project{}),
      m_thread([this] { run(); }) {}

OnDemandStarter::~OnDemandStarter() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_closed = true;
    for (auto& [name, entry] : m_entries) entry.waiters.clear();
  }
  m_wake.notify_all();
  m_thread.join();
}

DemandStatus OnDemandStarter::demand(const std::string& service, bool again) {
  std::lock_guard lock(m_mutex);
  Entry& entry = m_entries[service];
  const auto since = std::chrono::steady_clock::now() - entry.settled_at;
  const bool fresh = (entry.state == DemandState::up && since < m_timing.up_grace && !again) ||
                     (entry.state == DemandState::failed &&
                      since < (entry.over_budget ? m_timing.refused_for : m_timing.retry_after));
  if (entry.state == DemandState::stopping) entry.start_after_stop = true;
  if (!is_settling(entry.state) && !fresh && !m_stopping) {
    entry.state = DemandState::queued;
    entry.reason.clear();
    entry.logs.clear();
    entry.over_budget = false;
    m_queue.push_back(service);
    m_wake.notify_all();
  }
  return status_locked(service);
}

DemandStatus OnDemandStarter::status(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  return status_locked(service);
}

DemandStatus OnDemandStarter::status_locked(const std::string& service) const {
  DemandStatus out;
  const auto it = m_entries.find(service);
  if (it == m_entries.end()) return out;
  out.state = it->second.state;
  out.reason = it->second.reason;
  out.logs = it->second.logs;
  out.over_budget = it->second.over_budget;
  out.behind_another = out.state == DemandState::queued && !m_order.empty();
  if (out.state != DemandState::starting) return out;
  // The start's services in its order, each instance as its last event said.
  for (const auto& name : m_order) {
    bool seen = false;
    for (auto p = m_progress.lower_bound({name, 0}); p != m_progress.end() && p->first.first == name; ++p) {
      out.progress.push_back(p->second);
      seen = true;
    }
    if (!seen) out.progress.push_back({name, 0, phase_name(Phase::queued), ""});
  }
  return out;
}

void OnDemandStarter::when_settled(const std::string& service, std::function<void()> done) {
  {
    std::lock_guard lock(m_mutex);
    if (m_closed) return;
    Entry& entry = m_entries[service];
    if (is_settling(entry.state)) {
      entry.waiters.push_back(std::move(done));
      return;
    }
  }
  done();
}

void OnDemandStarter::close() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    for (auto& [name, entry] : m_entries) entry.waiters.clear();
  }
  // A notify() under way finishes before close() returns; any later one sees m_closed.
  std::lock_guard wait_for_callbacks(m_notify);
}

void OnDemandStarter::emit(const Event& event) {
  std::lock_guard lock(m_mutex);
  if (const auto* op = std::get_if<OperationEvent>(&event.body)) {
    if (op->command == "start") m_order = op->services;
  } else if (const auto* e = std::get_if<ServiceEvent>(&event.body)) {
    m_progress[{e->service, e->instance}] = StartProgress{e->service, e->instance, phase_name(e->phase), e->reason};
  }
}

void OnDemandStarter::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    const auto wake = [&] {
      return m_stopping || !m_queue.empty() || !m_tasks.empty() || std::exchange(m_use_ended, false);
    };
    const auto next = m_life.project ? next_idle_check(m_view, m_uses, m_since) : UseClock::time_point::max();
    if (next == UseClock::time_point::max()) m_wake.wait(lock, wake);
    else m_wake.wait_until(lock, next, wake);
    if (m_stopping) break;
    if (m_life.project && UseClock::now() >= next_idle_check(m_view, m_uses, m_since)) stop_idle(lock);
    if (m_stopping) break;
    if (!m_queue.empty()) start_queued(lock);
    if (m_stopping) break;
    run_tasks(lock);
  }
  // Stopping: what was queued never starts, nor runs.
  for (Task* task : std::exchange(m_tasks, {})) {
    task->error = std::make_exception_ptr(std::runtime_error("boss proxy is stopping"));
    task->done = true;
  }
  m_task_done.notify_all();
  for (auto& [name, entry] : m_entries)
    if (is_settling(entry.state)) {
      entry.state = DemandState::failed;
      entry.reason = "boss proxy is stopping";
    }
}

void OnDemandStarter::run_exclusive(const std::function<void()>& task) {
  Task job;
  job.run = task;
  std::unique_lock lock(m_mutex);
  if (m_stopping) throw std::runtime_error("boss proxy is stopping");
  m_tasks.push_back(&job);
  m_wake.notify_all();
  m_task_done.wait(lock, [&] { return job.done; });
  if (job.error) std::rethrow_exception(job.error);
}

// Called with m_mutex held: runs the tasks queued so far, one at a time, without it.
void OnDemandStarter::run_tasks(std::unique_lock<std::mutex>& lock) {
  while (!m_tasks.empty() && !m_stopping) {
    Task* task = m_tasks.front();
    m_tasks.erase(m_tasks.begin());
    lock.unlock();
    try {
      task->run();
    } catch (...) {
      task->error = std::current_exception();
    }
    lock.lock();
    // A launch's start told emit() of its services: they are no on-demand start's.
    m_order.clear();
    m_progress.clear();
    task->done = true;
    m_task_done.notify_all();
  }
}

void OnDemandStarter::add_launched(const ServiceSpec& spec) {
  std::lock_guard lock(m_mutex);
  std::erase_if(m_view.services, [&](const ServiceSpec& s) { return s.name == spec.name; });
  m_view.services.push_back(spec);
  m_view.services.back().on_demand = true;
  m_uses[spec.name].last_used = UseClock::now();
  m_use_ended = true;   // its idle deadline may be the next one: the starter's thread looks again
  m_wake.notify_all();
}

void OnDemandStarter::forget_launched(const std::string& name) {
  std::lock_guard lock(m_mutex);
  std::erase_if(m_view.services, [&](const ServiceSpec& s) { return s.name == name && s.labels.count(kLabelTemplate); });
  m_uses.erase(name);
}

std::string OnDemandStarter::make_room(const ServiceSpec& spec) {
  if (!m_life.project || !m_life.memory_budget) return "";
  const auto running = running_now();
  std::unique_lock lock(m_mutex);
  if (!running) return "cannot tell what runs, so not what fits in --memory-budget";
  Project view = m_view;
  std::erase_if(view.services, [&](const ServiceSpec& s) { return s.name == spec.name; });
  view.services.push_back(spec);
  view.services.back().on_demand = true;
  const BudgetPlan plan = plan_budget(view, *m_life.memory_budget, {spec.name}, *running, m_uses, m_since);
  if (const auto it = plan.refused.find(spec.name); it != plan.refused.end()) return it->second;
  if (!plan.evicted.empty()) {
    if (m_life.log)
      for (const auto& name : plan.evicted)
        m_life.log("stopping " + name + ": least recently used, to make room in --memory-budget for " + spec.name);
    stop_now(lock, plan.evicted);
  }
  return "";
}

std::optional<std::set<std::string>> OnDemandStarter::running_now() {
  try {
    return m_life.running();
  } catch (const std::exception& e) {
    if (m_life.log) m_life.log(std::string("cannot tell which services run: ") + e.what());
    return std::nullopt;
  }
}

void OnDemandStarter::stop_idle(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  const auto running = running_now();
  lock.lock();
  const Project& project = m_view;  // not changed while the lock is held
  const auto now = UseClock::now();
  std::vector<std::string> victims;
  if (running) victims = idle_services(project, m_uses, *running, now, m_since);
  // Whatever a stop takes along; none of it may be starting (or asked for) meanwhile.
  std::set<std::string> stopped;
  std::vector<std::string> reasons;
  for (const auto& name : victims) {
    const auto takes = stopped_with(project, name, *running);
    if (std::any_of(takes.begin(), takes.end(), [&](const std::string& t) { return is_settling(m_entries[t].state); }))
      continue;
    stopped.insert(takes.begin(), takes.end());
    const auto it = m_uses.find(name);
    const double idle = std::chrono::duration<double>(now - (it == m_uses.end() ? m_since : std::max(m_since, it->second.last_used))).count();
    char line[200];
    std::snprintf(line, sizeof line, "stopping %s: no request for %.1f s (idle_timeout %g s)", name.c_str(), idle,
                  *project.find(name)->idle_timeout);
    reasons.push_back(line);
  }
  // Due but not stopped (not running, or a dependent in use or not idle yet): its idle
  // clock starts again, so it is looked at again one idle_timeout later, not at once.
  for (const auto& s : project.services) {
    if (!s.on_demand || !s.idle_timeout || stopped.count(s.name)) continue;
    ServiceUse& use = m_uses[s.name];
    const auto last = std::max(use.last_used, m_since);
    if (use.open == 0 && now - last >= std::chrono::duration<double>(*s.idle_timeout)) use.last_used = now;
  }
  if (stopped.empty()) return;
  if (m_life.log)
    for (const auto& line : reasons) m_life.log(line);
  stop_now(lock, {stopped.begin(), stopped.end()});
}

// Called with m_mutex held: marks `services` stopping, stops them, and settles them
// (queued again when asked for meanwhile).
void OnDemandStarter::stop_now(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& services) {
  for (const auto& name : services) {
    m_entries[name].state = DemandState::stopping;
    m_entries[name].start_after_stop = false;
  }
  lock.unlock();
  std::string error;
  try {
    const CommandResult result = m_life.stop(services);
    if (!result.error.empty()) error = result.error;
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!error.empty() && m_life.log) m_life.log("stopping failed: " + error);
  if (m_life.stopped)
    for (const auto& name : services) m_life.stopped(name);
  lock.lock();
  // A launched container's stop removed it.
  std::erase_if(m_view.services, [&](const ServiceSpec& s) {
    return s.labels.count(kLabelTemplate) && std::find(services.begin(), services.end(), s.name) != services.end();
  });
  std::vector<std::function<void()>> done;
  for (const auto& name : services) {
    Entry& entry = m_entries[name];
    entry.settled_at = std::chrono::steady_clock::now();
    if (entry.start_after_stop && !m_stopping) {
      entry.state = DemandState::queued;
      entry.start_after_stop = false;
      m_queue.push_back(name);
    } else {
      entry.state = DemandState::stopped;
      for (auto& waiter : std::exchange(entry.waiters, {})) done.push_back(std::move(waiter));
    }
  }
  lock.unlock();
  notify(done);
  lock.lock();
}

void OnDemandStarter::start_queued(std::unique_lock<std::mutex>& lock) {
  std::vector<std::string> batch = std::exchange(m_queue, {});
  if (m_life.project && m_life.memory_budget) {
    for (const auto& name : batch) m_entries[name].state = DemandState::starting;  // not stopped meanwhile
    lock.unlock();
    const auto running = running_now();
    lock.lock();
    BudgetPlan plan;
    if (running) {
      plan = plan_budget(m_view, *m_life.memory_budget, batch, *running, m_uses, m_since);
    } else {
      for (const auto& name : batch) plan.refused[name] = "cannot tell what runs, so not what fits in --memory-budget";
    }
    std::vector<std::function<void()>> done;
    for (const auto& [name, why] : plan.refused) {
      Entry& entry = m_entries[name];
      entry.state = DemandState::failed;
      entry.over_budget = true;
      entry.reason = why;
      entry.logs.clear();
      entry.settled_at = std::chrono::steady_clock::now();
      for (auto& waiter : std::exchange(entry.waiters, {})) done.push_back(std::move(waiter));
      if (m_life.log) m_life.log("not starting " + name + ": " + why);
    }
    if (!done.empty()) {
      lock.unlock();
      notify(done);
      lock.lock();
    }
    if (!plan.evicted.empty()) {
      if (m_life.log)
        for (const auto& name : plan.evicted)
          m_life.log("stopping " + name + ": least recently used, to make room in --memory-budget for " +
                     plan.admitted.front());
      stop_now(lock, plan.evicted);
    }
    batch = plan.admitted;
    if (batch.empty() || m_stopping) return;
  }
  for (const auto& name : batch) m_entries[name].state = DemandState::starting;
  m_order = batch;
  m_progress.clear();
  lock.unlock();
  CommandResult result;
  std::string error;
  try {
    result = m_start(batch);
  } catch (const std::exception& e) {
    error = e.what();
  }
  lock.lock();
  std::vector<std::function<void()>> done;
  for (const auto& name : batch) settle(name, result, error, done);
  m_order.clear();
  m_progress.clear();
  lock.unlock();
  notify(done);
  lock.lock();
}

bool OnDemandStarter::counted(const std::string& service) const {
  if (!m_life.project) return true;
  const ServiceSpec* spec = m_view.find(service);
  return spec && spec->on_demand;
}

int OnDemandStarter::uses(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_uses.find(service);
  return it == m_uses.end() ? 0 : it->second.open;
}

void OnDemandStarter::begin_use(const std::string& service) {
  std::lock_guard lock(m_mutex);
  if (!counted(service)) return;
  ServiceUse& use = m_uses[service];
  ++use.open;
  use.last_used = UseClock::now();
}

void OnDemandStarter::end_use(const std::string& service) {
  {
    std::lock_guard lock(m_mutex);
    if (!counted(service)) return;
    ServiceUse& use = m_uses[service];
    --use.open;
    use.last_used = UseClock::now();
    m_use_ended = true;
  }
  m_wake.notify_all();  // its idle deadline is a new one
}

namespace {

const ServiceOutcome* find_outcome(const CommandResult& result, const std::string& service, Phase status) {
  for (const auto& o : result.outcomes)
    if (o.service == service && o.status == status) return &o;
  return nullptr;
}

}  // namespace

// Called with m_mutex held.
void OnDemandStarter::settle(const std::string& service, const CommandResult& result, const std::string& error,
                             std::vector<std::function<void()>>& done) {
  Entry& entry = m_entries[service];
  entry.state = DemandState::failed;
  entry.logs.clear();
  if (!error.empty()) {
    entry.reason = error;
  } else if (const auto* failed = find_outcome(result, service, Phase::failed)) {
    entry.reason = failed->reason;
    entry.logs = failed->logs;
  } else if (const auto* skipped = find_outcome(result, service, Phase::skipped)) {
    // Skipped for a dependency's failure: that failure is the reason.
    const auto* cause = find_outcome(result, skipped->cause, Phase::failed);
    entry.reason = cause ? "dependency '" + skipped->cause + "' failed: " + cause->reason : skipped->reason;
    if (cause) entry.logs = cause->logs;
  } else if (find_outcome(result, service, Phase::interrupted)) {
    entry.reason = "interrupted";
  } else if (find_outcome(result, service, Phase::up) || find_outcome(result, service, Phase::kept)) {
    entry.state = DemandState::up;
    entry.reason.clear();
  } else {
    entry.reason = result.error.empty() ? "the start did not start it" : result.error;
  }
  entry.settled_at = std::chrono::steady_clock::now();
  for (auto& waiter : std::exchange(entry.waiters, {})) done.push_back(std::move(waiter));
}

// Called without m_mutex: a callback may ask status().
void OnDemandStarter::notify(const std::vector<std::function<void()>>& done) {
  std::lock_guard lock(m_notify);
  if (m_closed) return;
  for (const auto& call : done) call();
}

}  // namespace boss
