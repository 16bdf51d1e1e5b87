// An EventSink for unit tests: keeps every event, with helpers to ask what happened to
// one service. Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/events.h"

namespace boss::testing {

class RecordingSink : public EventSink {
 public:
  void emit(const Event& event) override {
    std::lock_guard lock(m_mutex);
    m_events.push_back(event);
  }
  std::vector<Event> events() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }
  // The ServiceEvents of `service`, in order.
  std::vector<ServiceEvent> of(const std::string& service) const {
    std::vector<ServiceEvent> out;
    for (const auto& e : events())
      if (const auto* s = std::get_if<ServiceEvent>(&e.body); s && s->service == service) out.push_back(*s);
    return out;
  }
  // The phases `service` went through, as names: "pulling waiting up".
  std::string phases(const std::string& service) const {
    std::string out;
    for (const auto& e : of(service))
      out += (out.empty() ? "" : " ") + std::string(e.phase == Phase::hook ? e.hook.c_str() : phase_name(e.phase));
    return out;
  }
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events())
      if (const auto* t = std::get_if<T>(&e.body)) out.push_back(*t);
    return out;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<Event> m_events;
};

}  // namespace boss::testing
