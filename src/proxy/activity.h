// What `boss proxy` is doing for each service right now: how many proxied connections
// are open to it (a request being answered, a WebSocket tunnel) and when its last
// request came. Boost-free and pure but for a mutex: the server's IO threads write it,
// the admin pages (and an idle stop) read it.
//
// Contract: every open() is matched by exactly one close of its Open (RAII), so a
// service with open() > 0 has a connection in use right now, however long it has been
// quiet (a WebSocket, a long download): it is not idle.
//
// It is the one place a request is counted: the on-demand starter's idle clock (a
// `UseListener`) hears of each open and close from here, never from the server too (which
// once counted each request in both, separately).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "proxy/history.h"

namespace boss {

// Told of each use as it begins (after it is counted here) and ends (before it is no
// longer counted here), on the thread that opens or closes it, with no lock of
// ServiceActivity's held.
class UseListener {
 public:
  virtual ~UseListener() = default;
  virtual void begin_use(const std::string& service) = 0;
  virtual void end_use(const std::string& service) = 0;
};

class ServiceActivity {
 public:
  using Clock = std::chrono::system_clock;

  // `history` (null: none kept) records each answered request per container.
  explicit ServiceActivity(UseListener* listener = nullptr, RequestHistory* history = nullptr)
      : m_listener(listener), m_history(history) {}
  ServiceActivity(const ServiceActivity&) = delete;
  ServiceActivity& operator=(const ServiceActivity&) = delete;

  // One proxied connection to `service`, open while this lives.
  class Open {
   public:
    Open() = default;
    Open(Open&& other) noexcept;
    Open& operator=(Open&& other) noexcept;
    ~Open();
    Open(const Open&) = delete;
    Open& operator=(const Open&) = delete;

   private:
    friend class ServiceActivity;
    Open(ServiceActivity* activity, std::string service) : m_activity(activity), m_service(std::move(service)) {}
    void release();
    ServiceActivity* m_activity = nullptr;
    std::string m_service;
  };

  struct Seen {
    int open = 0;                              // connections open to it now
    std::optional<Clock::time_point> last;     // its last request's arrival
    long long requests = 0;                    // since the proxy began
  };

  // A request for `service` arrived at `now` and is being forwarded: counts as open until
  // the returned Open goes.
  Open open(const std::string& service, Clock::time_point now = Clock::now());
  Seen seen(const std::string& service) const;
  int open_connections(const std::string& service) const { return seen(service).open; }
  // A request `container` answered (a tunnel: once it closed), for its history.
  void answered(const std::string& container, const RequestRecord& record) {
    if (m_history) m_history->append(container, record);
  }
  RequestHistory* history() const { return m_history; }

 private:
  void close(const std::string& service);
  UseListener* const m_listener;
  RequestHistory* const m_history;
  mutable std::mutex m_mutex;
  std::map<std::string, Seen> m_seen;
};

}  // namespace boss
