#include "ui/tty_renderer.h"

#include <utility>

#include "ui/format.h"
#include "ui/service_words.h"
#include "ui/summary_view.h"

namespace boss {

TtyRenderer::TtyRenderer(Options options) : m_options(std::move(options)) {
  if (m_options.tick.count() > 0) m_ticker = std::thread([this] { run_ticker(); });
}

TtyRenderer::~TtyRenderer() { finish(); }

void TtyRenderer::run_ticker() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    m_wake.wait_for(lock, m_options.tick);
    if (m_stop) break;
    if (m_dirty || !m_above.empty() || m_board.animating()) draw_frame();
  }
}

void TtyRenderer::draw() {
  std::lock_guard lock(m_mutex);
  if (m_finished) return;
  if (m_dirty || !m_above.empty() || m_board.animating()) draw_frame();
}

void TtyRenderer::draw_frame() {
  const TerminalSize size = m_options.size();
  const TtyBoard::View view{size.columns, size.rows, m_options.color, TtyBoard::Clock::now()};
  auto lines = m_board.render(view);
  m_frame.clear();
  if (m_drawn > 0) m_frame += ansi::cursor_up(m_drawn);
  for (const auto& line : m_above) ((m_frame += ansi::clear_line) += line) += '\n';
  // When the block stays where it is (nothing printed above it), a line equal to the one
  // on screen is stepped over instead of written again: done and queued rows cost a byte.
  const bool in_place = m_above.empty() && m_shown.size() == static_cast<std::size_t>(m_drawn);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (in_place && i < m_shown.size() && m_shown[i] == lines[i])
      m_frame += '\n';
    else
      ((m_frame += ansi::clear_line) += lines[i]) += '\n';
  }
  // Lines of the old block that nothing was written over.
  if (m_drawn > static_cast<int>(m_above.size() + lines.size())) m_frame += ansi::clear_below;
  m_above.clear();
  m_drawn = static_cast<int>(lines.size());
  m_shown = std::move(lines);  // what is on screen now; compared with the next frame
  m_dirty = false;
  if (m_frame.empty()) return;
  std::fwrite(m_frame.data(), 1, m_frame.size(), m_options.out);
  std::fflush(m_options.out);
}

void TtyRenderer::above(std::string line) {
  m_above.push_back(std::move(line));
}

void TtyRenderer::write_to_err(const std::string& line) {
  if (!m_finished && (m_drawn > 0 || !m_above.empty())) {
    // Take the block off the screen (printing what is queued above it), so the line
    // lands below the lines above, then put the block back.
    m_frame.clear();
    if (m_drawn > 0) (m_frame += ansi::cursor_up(m_drawn)) += ansi::clear_below;
    for (const auto& above_line : m_above) ((m_frame += ansi::clear_line) += above_line) += '\n';
    m_above.clear();
    m_drawn = 0;
    m_shown.clear();
    std::fwrite(m_frame.data(), 1, m_frame.size(), m_options.out);
    std::fflush(m_options.out);
    m_dirty = true;
  }
  std::fwrite(line.data(), 1, line.size(), m_options.err);
  std::fputc('\n', m_options.err);
  std::fflush(m_options.err);
  if (!m_finished && m_dirty) draw_frame();
}

void TtyRenderer::emit(const Event& event) {
  std::lock_guard lock(m_mutex);
  const Event::Body& body = event.body;
  if (const auto* e = std::get_if<WarningEvent>(&body)) {
    write_to_err("boss: warning: " + e->text);
    return;
  }
  if (const auto* e = std::get_if<TraceEvent>(&body)) {
    if (m_options.verbose) write_to_err(e->text);
    return;
  }
  if (m_finished) return;
  if (const auto* e = std::get_if<WatchEvent>(&body)) {
    above(m_column.padded(e->service.empty() ? "watch" : e->service) + "  ~ " + e->text);
  } else if (const auto* e = std::get_if<OperationEvent>(&body)) {
    m_drawn = 0;  // an earlier block without a summary stays as it was drawn
    m_shown.clear();
    m_board.begin(*e);
    m_column.reserve(e->services);
  } else if (const auto* e = std::get_if<ServiceEvent>(&body)) {
    m_board.update(*e, TtyBoard::Clock::now());
  } else if (const auto* e = std::get_if<ProgressEvent>(&body)) {
    m_board.update(*e);
  } else if (const auto* e = std::get_if<StillWaitingEvent>(&body)) {
    above(m_column.padded(service_label(e->service, e->instance)) + "  " + still_waiting_text(*e));
  } else if (const auto* e = std::get_if<HookOutputEvent>(&body)) {
    above(m_column.padded(e->service.empty() ? "boss" : service_label(e->service, e->instance)) + "  > " + e->text);
  } else if (const auto* e = std::get_if<ScheduleEvent>(&body)) {
    above(m_column.padded(e->job) + "  " + schedule_text(*e));
  } else if (const auto* e = std::get_if<SummaryEvent>(&body)) {
    m_board.finish(e->result);
    draw_frame();
    const std::string summary = render_summary_text(e->result);
    std::fwrite(summary.data(), 1, summary.size(), m_options.out);
    std::fflush(m_options.out);
    m_drawn = 0;
    m_shown.clear();
    m_board.clear();
  }
  m_dirty = true;
}

void TtyRenderer::finish() {
  {
    std::lock_guard lock(m_mutex);
    if (m_stop) return;  // finished, or finishing on another thread
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) m_ticker.join();
  std::lock_guard lock(m_mutex);
  if (m_dirty || !m_above.empty()) draw_frame();
  m_finished = true;
  std::fflush(m_options.out);
  std::fflush(m_options.err);
}

}  // namespace boss
