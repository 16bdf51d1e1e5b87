#include "proxy/on_demand.h"

#include <algorithm>
#include <exception>

#include "core/phase.h"

namespace boss {

bool is_settling(DemandState state) { return state == DemandState::queued || state == DemandState::starting; }

const char* demand_state_name(DemandState state) {
  switch (state) {
    case DemandState::stopped: return "stopped";
    case DemandState::queued: return "queued";
    case DemandState::starting: return "starting";
    case DemandState::up: return "up";
    case DemandState::failed: return "failed";
  }
  return "?";
}

OnDemandStarter::OnDemandStarter(StartFn start, Timing timing)
    : m_start(std::move(start)), m_timing(timing), m_thread([this] { run(); }) {}

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
                     (entry.state == DemandState::failed && since < m_timing.retry_after);
  if (!is_settling(entry.state) && !fresh && !m_stopping) {
    entry.state = DemandState::queued;
    entry.reason.clear();
    entry.logs.clear();
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
    m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
    if (m_stopping) break;
    const std::vector<std::string> batch = std::exchange(m_queue, {});
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
  // Stopping: what was queued never starts.
  for (auto& [name, entry] : m_entries)
    if (is_settling(entry.state)) {
      entry.state = DemandState::failed;
      entry.reason = "boss proxy is stopping";
    }
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
