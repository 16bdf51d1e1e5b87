#include "proxy/activity.h"

#include <utility>

namespace boss {

ServiceActivity::Open::Open(Open&& other) noexcept
    : m_activity(std::exchange(other.m_activity, nullptr)), m_service(std::move(other.m_service)) {}

ServiceActivity::Open& ServiceActivity::Open::operator=(Open&& other) noexcept {
  if (this != &other) {
    release();
    m_activity = std::exchange(other.m_activity, nullptr);
    m_service = std::move(other.m_service);
  }
  return *this;
}

ServiceActivity::Open::~Open() { release(); }

void ServiceActivity::Open::release() {
  if (m_activity) m_activity->close(m_service);
  m_activity = nullptr;
}

ServiceActivity::Open ServiceActivity::open(const std::string& service, Clock::time_point now) {
  {
    std::lock_guard lock(m_mutex);
    Seen& seen = m_seen[service];
    ++seen.open;
    ++seen.requests;
    seen.last = now;
  }
  if (m_listener) m_listener->begin_use(service);
  return Open(this, service);
}

ServiceActivity::Seen ServiceActivity::seen(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  const auto found = m_seen.find(service);
  return found == m_seen.end() ? Seen{} : found->second;
}

void ServiceActivity::close(const std::string& service) {
  if (m_listener) m_listener->end_use(service);
  std::lock_guard lock(m_mutex);
  --m_seen[service].open;
}

}  // namespace boss
