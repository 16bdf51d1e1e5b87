// An EventSink that passes every event to the one it was made with and, once attached,
// to a second one too: how a long-running front (boss proxy's on-demand starter) reads
// the events of the operations it runs while the renderer still shows them.
#pragma once

#include <atomic>

#include "core/events.h"

namespace boss {

class TeeSink : public EventSink {
 public:
  explicit TeeSink(EventSink& first) : m_first(first) {}
  // Thread-safe. `second` (null: none) must stay valid until it is replaced, or until no
  // more events are emitted.
  void attach(EventSink* second) { m_second.store(second, std::memory_order_release); }
  void emit(const Event& event) override {
    m_first.emit(event);
    if (EventSink* second = m_second.load(std::memory_order_acquire)) second->emit(event);
  }

 private:
  EventSink& m_first;
  std::atomic<EventSink*> m_second{nullptr};
};

}  // namespace boss
