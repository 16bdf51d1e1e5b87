#include "core/cancel.h"

#include <algorithm>

namespace boss {

void Cancel::request() {
  {
    std::lock_guard lock(m_mutex);
    m_requested.store(true, std::memory_order_release);
  }
  m_wake.notify_all();
}

bool Cancel::sleep_for(std::chrono::steady_clock::duration duration) const {
  return sleep_until(std::chrono::steady_clock::now() + duration);
}

bool Cancel::sleep_until(std::chrono::steady_clock::time_point when) const {
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (requested()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= when) return false;
    // Only this Cancel's request() notifies; ancestors are re-read every slice.
    const auto slice = m_parent ? std::min<std::chrono::steady_clock::duration>(when - now, kPollSlice) : when - now;
    m_wake.wait_for(lock, slice);
  }
}

const Cancel& Cancel::never() {
  static const Cancel never_requested;
  return never_requested;
}

}  // namespace boss
