#include "proxy/admin_exchange.h"

namespace boss {

AdminExchange::AdminExchange(const Cancel* parent, std::function<void()> wake, std::size_t window)
    : m_cancel(parent), m_wake(std::move(wake)), m_window(window) {}

void AdminExchange::wake_locked(std::unique_lock<std::mutex>& lock) {
  // Called with the lock held, so disconnect() cannot clear it meanwhile; `wake` only posts.
  if (m_wake) m_wake();
  (void)lock;
}

void AdminExchange::send(int status, std::string content_type, std::string body, AdminHeaders headers) {
  std::unique_lock lock(m_mutex);
  if (m_answered) return;
  m_answered = true;
  m_whole = true;
  m_head = Head{status, std::move(content_type), std::move(headers), true, std::move(body)};
  wake_locked(lock);
}

void AdminExchange::begin(int status, std::string content_type, AdminHeaders headers) {
  std::unique_lock lock(m_mutex);
  if (m_answered) return;
  m_answered = true;
  m_head = Head{status, std::move(content_type), std::move(headers), false, {}};
  wake_locked(lock);
}

bool AdminExchange::write(std::string_view bytes) {
  {
    std::unique_lock lock(m_mutex);
    if (!m_answered) {
      m_answered = true;
      m_head = Head{200, "text/plain; charset=utf-8", {}, false, {}};
    } else if (m_whole) {
      return !m_cancelled && !m_cancel.requested();
    }
  }
  for (;;) {
    std::unique_lock lock(m_mutex);
    if (m_cancelled || m_cancel.requested()) return false;
    if (m_bytes.size() <= m_window) {
      m_bytes.append(bytes);
      wake_locked(lock);
      return true;
    }
    // The parent Cancel cannot wake this wait: look at it every poll slice.
    m_taken.wait_for(lock, Cancel::kPollSlice);
  }
}

void AdminExchange::finish(const std::string& error) {
  std::unique_lock lock(m_mutex);
  if (!m_answered) {
    m_answered = true;
    m_whole = true;
    const std::string body = error.empty() ? "the admin handler gave no answer" : error;
    m_head = Head{500, "text/plain; charset=utf-8", {}, true, body + "\n"};
  }
  m_ended = true;
  wake_locked(lock);
}

AdminExchange::Taken AdminExchange::take() {
  std::unique_lock lock(m_mutex);
  Taken taken;
  taken.head = std::exchange(m_head, std::nullopt);
  taken.bytes = std::exchange(m_bytes, {});
  taken.ended = m_ended;
  m_taken.notify_all();
  return taken;
}

void AdminExchange::cancel() {
  {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    m_bytes.clear();
  }
  m_cancel.request();
  m_taken.notify_all();
}

void AdminExchange::disconnect() {
  std::lock_guard lock(m_mutex);
  m_wake = nullptr;
}

}  // namespace boss
