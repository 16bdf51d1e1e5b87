#include "core/log_follower.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/errors.h"
#include "core/instances.h"
#include "core/one_off.h"
#include "core/time_text.h"

namespace boss {
namespace {

std::int64_t nanos_of(const std::string& timestamp) {
  const auto t = parse_rfc3339(timestamp);
  return t ? std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count() : 0;
}

std::string unix_text(std::int64_t nanos) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld.%09lld", static_cast<long long>(nanos / 1000000000),
                static_cast<long long>(nanos % 1000000000));
  return buffer;
}

class Follower {
 public:
  Follower(Engine& engine, const Project& project, const LogsRequest& request, LogSink& sink, EventSink& events,
           const Cancel& cancel)
      : m_engine(engine), m_project(project), m_request(request), m_sink(sink), m_events(events), m_cancel(cancel),
        m_services(request.services.begin(), request.services.end()) {}

  void run() {
    std::thread watcher;
    std::exception_ptr watch_failure;
    // Shared with the watcher thread, which outlives the block below.
    std::mutex m;
    std::condition_variable subscribed_cv;
    bool subscribed = false, ended = false;
    if (m_request.follow) {
      // Subscribe first, then list: a container that starts in between is seen by both
      // and attached once.
      watcher = std::thread([&] {
        try {
          m_engine.watch_events(
              {{kLabelProject, m_project.name}}, [&](const EngineEvent& e) { on_event(e); },
              [&] {
                std::lock_guard lock(m);
                subscribed = true;
                subscribed_cv.notify_all();
              },
              m_cancel);
        } catch (...) {
          watch_failure = std::current_exception();
        }
        std::lock_guard lock(m);
        ended = true;
        subscribed_cv.notify_all();
      });
      std::unique_lock lock(m);
      subscribed_cv.wait(lock, [&] { return subscribed || ended; });
      if (!subscribed && watch_failure) {
        lock.unlock();
        watcher.join();
        std::rethrow_exception(watch_failure);
      }
    }
    for (const auto& c : m_engine.list_containers({{kLabelProject, m_project.name}}))
      attach(c.id, c.labels, /*initial=*/true);
    // Flush buffered output whenever nothing came for a moment; wait for the end.
    while (!m_cancel.requested()) {
      {
        std::unique_lock lock(m_mutex);
        if (!m_request.follow && m_active == 0) break;
        m_changed.wait_for(lock, std::chrono::milliseconds(50));
      }
      m_sink.idle();
    }
    if (watcher.joinable()) watcher.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(m_mutex);
      threads.swap(m_threads);
    }
    for (auto& t : threads) t.join();
    m_sink.idle();
    if (watch_failure && !m_cancel.requested()) {
      try {
        std::rethrow_exception(watch_failure);
      } catch (const std::exception& e) {
        m_events.emit_now(WarningEvent{std::string("stopped following new containers: ") + e.what()});
      }
    }
  }

 private:
  struct Stream {
    std::string service;
    bool active = false;
    std::int64_t last_nanos = 0;  // the last line shown
    bool seen = false;            // some line was shown
  };

  std::string service_of(const Labels& labels) const {
    if (is_one_off(labels)) return "";  // boss run's output is its own terminal's
    const auto it = labels.find(kLabelService);
    return it == labels.end() ? "" : it->second;
  }

  bool wanted(const std::string& service) const {
    if (service.empty()) return false;
    return m_services.empty() ? m_project.find(service) != nullptr : m_services.count(service) > 0;
  }

  void on_event(const EngineEvent& e) {
    if (e.type != "container" || e.action != "start") return;
    attach(e.id, e.attributes, /*initial=*/false);
  }

  // `labels`: the container's (an event's attributes hold them too).
  void attach(const std::string& id, const Labels& labels, bool initial) {
    const std::string service = service_of(labels);
    if (!wanted(service)) return;
    const ServiceSpec* spec = m_project.find(service);
    const int instance = spec ? shown_instance(*spec, instance_of(labels)) : 0;
    std::lock_guard lock(m_mutex);
    Stream& stream = m_streams[id];
    if (stream.active) return;
    stream.active = true;
    stream.service = service;
    ++m_active;
    LogRequest request;
    request.follow = m_request.follow;
    if (initial) {
      request.tail = m_request.tail;
      request.since = m_request.since;
    } else if (stream.seen) {
      // Restarted: go on after the last line shown (the engine's `since` includes lines
      // at that very moment, so those are skipped below).
      request.since = unix_text(stream.last_nanos);
    }
    m_threads.emplace_back([this, id, service, instance, request] { pump(id, service, instance, request); });
  }

  void pump(const std::string& id, const std::string& service, int instance, const LogRequest& request) {
    std::int64_t skip_until = 0;
    {
      std::lock_guard lock(m_mutex);
      if (m_streams[id].seen && !request.since.empty()) skip_until = m_streams[id].last_nanos;
    }
    std::int64_t last = 0;
    bool seen = false;
    try {
      m_engine.follow_logs(
          id, request,
          [&](const LogLine& line) {
            const std::int64_t nanos = nanos_of(line.timestamp);
            if (skip_until && nanos && nanos <= skip_until) return;
            last = nanos;
            seen = true;
            m_sink.line(service, instance, line);
          },
          m_cancel);
    } catch (const EngineError& e) {
      // Removed meanwhile (404) is the normal end of a replaced container.
      if (e.status() != 404 && !m_cancel.requested())
        m_events.emit_now(WarningEvent{"logs of " + instance_host(service, instance) + ": " + e.what()});
    } catch (const Interrupted&) {
    }
    std::lock_guard lock(m_mutex);
    Stream& stream = m_streams[id];
    if (seen) {
      stream.last_nanos = last;
      stream.seen = true;
    }
    stream.active = false;
    --m_active;
    m_changed.notify_all();
  }

  Engine& m_engine;
  const Project& m_project;
  const LogsRequest& m_request;
  LogSink& m_sink;
  EventSink& m_events;
  const Cancel& m_cancel;
  const std::set<std::string> m_services;

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<std::string, Stream> m_streams;  // by container id
  std::vector<std::thread> m_threads;
  int m_active = 0;
};

}  // namespace

void follow_logs(Engine& engine, const Project& project, const LogsRequest& request, LogSink& sink,
                 EventSink& events, const Cancel& cancel) {
  Follower(engine, project, request, sink, events, cancel).run();
}

}  // namespace boss
