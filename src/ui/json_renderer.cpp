#include "ui/json_renderer.h"

#include "ui/event_json.h"

namespace boss {

void JsonRenderer::emit(const Event& event) {
  if (std::holds_alternative<TraceEvent>(event.body) && !m_verbose) return;
  std::string text = json_line(event_json(event));  // built outside the lock
  text += '\n';
  std::lock_guard lock(m_mutex);
  std::fwrite(text.data(), 1, text.size(), m_out);
  std::fflush(m_out);
}

void JsonRenderer::finish() {
  std::lock_guard lock(m_mutex);
  std::fflush(m_out);
}

}  // namespace boss
