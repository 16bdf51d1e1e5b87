#include "core/engine_gate.h"

#include "core/errors.h"

namespace boss {

EngineGate::Slot EngineGate::enter(const Cancel& cancel) {
  std::unique_lock lock(m_mutex);
  while (m_free == 0) {
    if (cancel.requested()) throw Interrupted("interrupted");
    m_freed.wait_for(lock, Cancel::kPollSlice);
  }
  --m_free;
  return Slot(*this);
}

void EngineGate::release() {
  {
    std::lock_guard lock(m_mutex);
    ++m_free;
  }
  m_freed.notify_one();
}

}  // namespace boss
