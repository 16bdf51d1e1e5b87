// Bounds how many container calls (create, start, stop, remove) an operation has in
// flight against the engine. Hundreds at once do not make the engine faster; they queue
// inside it until some pass the HTTP timeout and fail services that were never wrong.
// A few at a time keep it busy without a queue. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "core/cancel.h"

namespace boss {

// How many calls by default: enough to keep a 2-core engine saturated (measured in
// bench/), few enough that none waits long inside it.
inline constexpr std::size_t kDefaultEngineCalls = 8;

class EngineGate {
 public:
  explicit EngineGate(std::size_t slots) : m_free(slots == 0 ? kDefaultEngineCalls : slots) {}

  // A held slot; released when it goes.
  class Slot {
   public:
    explicit Slot(EngineGate& gate) : m_gate(&gate) {}
    Slot(Slot&& other) noexcept : m_gate(other.m_gate) { other.m_gate = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
      if (m_gate) m_gate->release();
    }

   private:
    EngineGate* m_gate;
  };

  // Waits for a free slot; throws Interrupted if `cancel` is requested first.
  Slot enter(const Cancel& cancel);

 private:
  void release();

  std::mutex m_mutex;
  std::condition_variable m_freed;
  std::size_t m_free;
};

}  // namespace boss
