#include "core/container_watch.h"

#include <algorithm>
#include <vector>

#include "core/errors.h"

namespace boss {

// Shared with the stream's thread, which may end a moment after the watch is gone.
struct ContainerWatch::Shared {
  explicit Shared(const Cancel* parent) : stop(parent) {}
  Cancel stop;  // a child of the operation's: Ctrl-C closes the stream too
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  bool subscribed = false;
  bool ended = false;
  std::map<std::string, Run> runs;  // the containers followed
  struct Waiting {
    std::string id;
    Cancel* alarm;
  };
  std::map<std::uint64_t, Waiting> alarms;
  std::uint64_t next_alarm = 0;

  void on_event(const EngineEvent& e) {
    std::vector<Cancel*> ring;
    {
      std::lock_guard lock(mutex);
      const auto it = runs.find(e.id);
      if (it == runs.end()) return;
      Run& run = it->second;
      ++run.events;
      if (e.action == "start") {
        run.started = true;
      } else if (e.action == "die") {
        const auto code = e.attributes.find("exitCode");
        int exit_code = -1;
        if (code != e.attributes.end()) {
          try {
            exit_code = std::stoi(code->second);
          } catch (const std::exception&) {
            // An exit with no number: -1 says it exited, not how.
          }
        }
        run.exit_code = exit_code;
        run.died_nano = e.time_nano;
        for (const auto& [key, waiting] : alarms)
          if (waiting.id == e.id) ring.push_back(waiting.alarm);
      } else if (e.action == "destroy") {
        run.removed = true;
      } else if (e.action.rfind("health_status: ", 0) == 0) {
        run.health = e.action.substr(std::string("health_status: ").size());
      }
      changed.notify_all();
    }
    for (Cancel* alarm : ring) alarm->request();
  }
};

ContainerWatch::ContainerWatch(Engine& engine, Labels filter, const Cancel& cancel, BackgroundThreads* background,
                               TraceFn trace)
    : m_shared(std::make_shared<Shared>(&cancel)), m_background(background) {
  m_thread = std::thread([shared = m_shared, &engine, filter = std::move(filter), trace = std::move(trace)] {
    std::string error;
    try {
      engine.watch_events(
          filter, [&](const EngineEvent& e) { shared->on_event(e); },
          [&] {
            std::lock_guard lock(shared->mutex);
            shared->subscribed = true;
            shared->changed.notify_all();
          },
          shared->stop);
    } catch (const EngineError& e) {
      error = e.what();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "the engine's event stream ended";
    }
    const bool closed = shared->stop.requested();  // by us (or Ctrl-C): nothing to say
    {
      std::lock_guard lock(shared->mutex);
      shared->ended = true;
      shared->runs.clear();  // no longer followed: waiters ask the engine
      shared->changed.notify_all();
    }
    if (!closed && trace)
      trace("engine events: " + (error.empty() ? std::string("the stream ended") : error) +
            "; readiness is told by inspecting from here on");
  });
}

ContainerWatch::~ContainerWatch() {
  m_shared->stop.request();
  if (m_background)
    m_background->adopt(std::move(m_thread));
  else if (m_thread.joinable())
    m_thread.join();
}

bool ContainerWatch::starting(const std::string& id) {
  std::unique_lock lock(m_shared->mutex);
  while (!m_shared->subscribed && !m_shared->ended) {
    if (m_shared->stop.requested()) return false;
    m_shared->changed.wait_for(lock, Cancel::kPollSlice);
  }
  if (m_shared->ended) return false;
  m_shared->runs[id] = Run{};
  return true;
}

std::optional<ContainerWatch::Run> ContainerWatch::run(const std::string& id) const {
  std::lock_guard lock(m_shared->mutex);
  const auto it = m_shared->runs.find(id);
  if (it == m_shared->runs.end()) return std::nullopt;
  return it->second;
}

std::optional<ContainerWatch::Run> ContainerWatch::wait(const std::string& id, std::uint64_t after,
                                                        Clock::time_point until) const {
  std::unique_lock lock(m_shared->mutex);
  for (;;) {
    const auto it = m_shared->runs.find(id);
    if (it == m_shared->runs.end()) return std::nullopt;
    if (it->second.events > after || m_shared->stop.requested()) return it->second;
    const auto now = Clock::now();
    if (now >= until) return it->second;
    // Woken at once by an event; the slice is for Ctrl-C, which does not notify.
    m_shared->changed.wait_until(lock, std::min(until, now + Cancel::kPollSlice));
  }
}

ContainerWatch::Alarm ContainerWatch::alarm_on_die(const std::string& id, Cancel& alarm) {
  bool died = false;
  std::uint64_t key = 0;
  {
    std::lock_guard lock(m_shared->mutex);
    key = ++m_shared->next_alarm;
    m_shared->alarms[key] = {id, &alarm};
    const auto it = m_shared->runs.find(id);
    died = it != m_shared->runs.end() && it->second.exit_code;
  }
  if (died) alarm.request();
  return Alarm(this, key);
}

ContainerWatch::Alarm::~Alarm() {
  if (!m_watch) return;
  std::lock_guard lock(m_watch->m_shared->mutex);
  m_watch->m_shared->alarms.erase(m_key);
}

}  // namespace boss
