#include "ui/plain_renderer.h"

#include "ui/format.h"
#include "ui/service_words.h"
#include "ui/summary_view.h"

namespace boss {

void PlainRenderer::emit(const Event& event) {
  std::lock_guard lock(m_mutex);
  std::visit([&](const auto& body) { on(body); }, event.body);
}

void PlainRenderer::finish() {
  std::lock_guard lock(m_mutex);
  std::fflush(m_out);
  std::fflush(m_err);
}

void PlainRenderer::line(std::FILE* stream, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

void PlainRenderer::on(const OperationEvent& e) { m_column.reserve(e.services); }

void PlainRenderer::on(const ServiceEvent& e) {
  if (e.phase == Phase::queued) return;
  const std::string label = event_label(e);
  std::string text = phase_text(e);
  // A step in progress says its detail (the image, the old container, why it is
  // created, ...) in brackets, unless the line before for the service said the same.
  if (!is_final(e.phase) && !e.reason.empty()) {
    auto& shown = m_reason_shown[label];
    if (shown != e.reason) text += " (" + e.reason + ")";
    shown = e.reason;
  }
  line(m_out, m_column.padded(label) + "  " + text);
}

void PlainRenderer::on(const ProgressEvent& e) {
  const ImageProgress& p = e.progress;
  std::string text;
  if (p.kind == ImageProgress::Kind::build) {
    if (p.text.empty()) return;
    text = p.text;
  } else {
    auto& last = m_layer_status[e.service][p.layer];
    if (last == p.status) return;  // a byte tick, or a repeated message
    last = p.status;
    text = p.layer.empty() ? p.status : p.layer + ": " + p.status;
  }
  line(m_out, m_column.padded(e.service) + "  | " + text);
}

void PlainRenderer::on(const StillWaitingEvent& e) {
  line(m_out, m_column.padded(service_label(e.service, e.instance)) + "  " + still_waiting_text(e));
}

void PlainRenderer::on(const HookOutputEvent& e) {
  line(m_out, m_column.padded(e.service.empty() ? "boss" : service_label(e.service, e.instance)) + "  > " + e.text);
}

void PlainRenderer::on(const WarningEvent& e) { line(m_err, "boss: warning: " + e.text); }

void PlainRenderer::on(const TraceEvent& e) {
  if (m_verbose) line(m_err, e.text);
}

void PlainRenderer::on(const WatchEvent& e) {
  line(m_out, m_column.padded(e.service.empty() ? "watch" : e.service) + "  ~ " + e.text);
}
void PlainRenderer::on(const ScheduleEvent& e) { line(m_out, m_column.padded(e.job) + "  " + schedule_text(e)); }

void PlainRenderer::on(const SummaryEvent& e) {
  const std::string summary = render_summary_text(e.result);
  std::fwrite(summary.data(), 1, summary.size(), m_out);
  std::fflush(m_out);
}

}  // namespace boss
