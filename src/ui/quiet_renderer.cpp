#include "ui/quiet_renderer.h"

#include "ui/format.h"
#include "ui/service_words.h"
#include "ui/summary_view.h"

namespace boss {

namespace {

void write(std::FILE* stream, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace

void QuietRenderer::emit(const Event& event) {
  std::lock_guard lock(m_mutex);
  if (const auto* e = std::get_if<ServiceEvent>(&event.body)) {
    if (e->phase == Phase::failed)
      write(m_err, std::string(e->sidecar_of.empty() ? "boss: service '" : "boss: sidecar '") + event_label(*e) + "' failed" +
                       (e->reason.empty() ? "" : ": " + e->reason) + "\n");
  } else if (const auto* e = std::get_if<WarningEvent>(&event.body)) {
    write(m_err, "boss: warning: " + e->text + "\n");
  } else if (const auto* e = std::get_if<TraceEvent>(&event.body)) {
    if (m_verbose) write(m_err, e->text + "\n");
  } else if (const auto* e = std::get_if<SummaryEvent>(&event.body)) {
    write(m_out, render_summary_text(e->result));
  }
}

void QuietRenderer::finish() {
  std::lock_guard lock(m_mutex);
  std::fflush(m_out);
  std::fflush(m_err);
}

}  // namespace boss
