#include "ui/tty_board.h"

#include <algorithm>
#include <cstdio>

#include "ui/format.h"
#include "ui/service_words.h"
#include "ui/terminal.h"

namespace boss {

namespace {

constexpr int kBarWidth = 20;
constexpr const char* kSpinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

// The mark before a row and its colour: a spinner while in progress, then a symbol that
// differs for each outcome, so colour is never the only clue.
struct Mark {
  std::string_view symbol;
  std::string_view color;
};

Mark mark_for(Phase phase, std::size_t spinner_frame) {
  switch (phase) {
    case Phase::queued: return {"·", ansi::dim};
    case Phase::up:
    case Phase::kept:
    case Phase::pushed:
    case Phase::stopped:
    case Phase::removed: return {"✔", ansi::green};
    case Phase::failed: return {"✘", ansi::red};
    case Phase::skipped: return {"-", ansi::yellow};
    case Phase::interrupted: return {"!", ansi::yellow};
    default: return {kSpinner[spinner_frame % std::size(kSpinner)], ansi::cyan};
  }
}

std::string bar(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string text = "[" + std::string(filled, '=');
  if (filled < kBarWidth) text += '>' + std::string(kBarWidth - filled - 1, ' ');
  return text + "]";
}

std::string seconds_column(double seconds) {
  char text[16];
  std::snprintf(text, sizeof text, "%6.1fs", std::min(seconds, 99999.9));
  return text;
}

// Which rows stay visible when not all fit: lower comes first.
int visibility_rank(Phase phase) {
  if (!is_final(phase)) return phase == Phase::queued ? 1 : 0;
  if (phase == Phase::failed) return 2;
  if (phase == Phase::skipped || phase == Phase::interrupted) return 3;
  return 4;
}

}  // namespace

void TtyBoard::begin(const OperationEvent& event) {
  clear();
  for (const auto& service : event.services) row(service);
}

void TtyBoard::clear() {
  m_rows.clear();
  m_index.clear();
}

TtyBoard::Row& TtyBoard::row(const std::string& label) {
  const auto [it, added] = m_index.try_emplace(label, m_rows.size());
  if (added) {
    m_rows.emplace_back();
    m_rows.back().label = label;
    m_rows.back().text = "queued";
  }
  return m_rows[it->second];
}

TtyBoard::Row& TtyBoard::instance_row(const std::string& service, int instance) {
  const std::string label = service_label(service, instance);
  const auto base = m_index.find(service);
  if (instance > 0 && base != m_index.end() && !m_index.count(label)) {
    const std::size_t index = base->second;
    m_index.erase(base);
    m_index.emplace(label, index);
    m_rows[index].label = label;
  }
  return row(label);
}

void TtyBoard::update(const ServiceEvent& event, Clock::time_point now) {
  Row& r = event.sidecar_of.empty() ? instance_row(event.service, event.instance) : row(event_label(event));
  const bool was_active = !is_final(r.phase) && r.phase != Phase::queued;
  r.phase = event.phase;
  r.text = phase_text(event);
  if (!is_final(event.phase) && !event.reason.empty()) r.text += " (" + event.reason + ")";
  r.elapsed = event.elapsed;
  if (!was_active)
    r.began = now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(event.elapsed));
}

void TtyBoard::update(const ProgressEvent& event) {
  const auto it = m_index.find(event.service);
  if (it == m_index.end()) return;  // replicas share an image; their rows show no bar
  Row& r = m_rows[it->second];
  const ImageProgress& p = event.progress;
  if (p.kind == ImageProgress::Kind::build) {
    if (p.step > 0) {
      r.step = p.step;
      r.steps = p.steps;
    }
    return;
  }
  if (p.layer.empty() || p.total <= 0) return;
  // Bytes only grow: a layer's extraction counts up again to the size it downloaded.
  auto& [done, total] = r.layers[p.layer];
  const std::int64_t new_done = std::max(done, std::min(p.current, p.total));
  r.done += new_done - done;
  r.total += p.total - total;
  done = new_done;
  total = p.total;
}

void TtyBoard::finish(const CommandResult& result) {
  for (const auto& o : result.outcomes) {
    Row& r = instance_row(o.service, o.instance);
    r.phase = o.status;
    r.text = outcome_text(o);
    r.elapsed = o.seconds;
  }
}

bool TtyBoard::animating() const {
  return std::any_of(m_rows.begin(), m_rows.end(),
                     [](const Row& r) { return r.phase != Phase::queued && !is_final(r.phase); });
}

void TtyBoard::render_row(std::string& line, const Row& r, const View& view, std::size_t label_width) const {
  const auto frame = static_cast<std::size_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(view.now.time_since_epoch()).count() / 100);
  const Mark mark = mark_for(r.phase, frame);
  const bool final = is_final(r.phase);
  const std::string_view text_color = final && r.phase != Phase::stopped && r.phase != Phase::removed
                                          ? mark.color
                                          : (r.phase == Phase::queued ? ansi::dim : std::string_view{});
  ClippedLine out(line, view.columns - 1, view.color);
  out.add(" ");
  out.add(mark.symbol, mark.color);
  out.add(" ");
  out.add(pad_right(r.label, label_width), text_color);
  if (r.phase == Phase::queued) {
    out.add("          ");  // where the elapsed time goes
  } else {
    const double seconds = final ? r.elapsed : std::chrono::duration<double>(view.now - r.began).count();
    out.add(" " + seconds_column(seconds) + "  ", ansi::dim);
  }
  out.add(r.text, text_color);
  if ((r.phase == Phase::pulling || r.phase == Phase::pushing) && r.total > 0)
    out.add(" " + bar(static_cast<double>(r.done) / static_cast<double>(r.total)) + " " + format_bytes(r.done) +
            " / " + format_bytes(r.total));
  if (r.phase == Phase::building && r.steps > 0)
    out.add(" " + bar(static_cast<double>(r.step) / r.steps) + " step " + std::to_string(r.step) + "/" +
            std::to_string(r.steps));
}

std::string TtyBoard::fold_line(const std::vector<const Row*>& hidden) const {
  static const Phase kCounted[] = {Phase::up,      Phase::pushed,      Phase::stopped, Phase::removed,
                                   Phase::failed,  Phase::skipped, Phase::interrupted};
  std::map<Phase, int> finals;
  int active = 0, queued = 0;
  for (const Row* r : hidden) {
    if (r->phase == Phase::queued)
      ++queued;
    else if (!is_final(r->phase))
      ++active;
    else
      ++finals[r->phase == Phase::kept ? Phase::up : r->phase];
  }
  std::string text;
  auto add = [&](int n, const std::string& what) {
    if (n > 0) text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  for (Phase phase : kCounted) add(finals[phase], phase_name(phase));
  add(active, "in progress");
  add(queued, "queued");
  return "   + " + std::to_string(hidden.size()) + " more: " + text;
}

std::vector<std::string> TtyBoard::render(const View& view) const {
  std::size_t label_width = 0;
  for (const auto& r : m_rows) label_width = std::max(label_width, r.label.size());
  const std::size_t fit = static_cast<std::size_t>(std::max(view.rows - 1, 1));

  // Which rows show: all if they fit, else the most interesting fit - 1 and a fold line.
  std::vector<bool> shown(m_rows.size(), true);
  std::vector<const Row*> hidden;
  if (m_rows.size() > fit) {
    std::vector<std::size_t> order(m_rows.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return visibility_rank(m_rows[a].phase) < visibility_rank(m_rows[b].phase);
    });
    for (std::size_t k = fit - 1; k < order.size(); ++k) shown[order[k]] = false;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
      if (!shown[i]) hidden.push_back(&m_rows[i]);
  }

  std::vector<std::string> lines;
  lines.reserve(std::min(m_rows.size(), fit));
  for (std::size_t i = 0; i < m_rows.size(); ++i) {
    if (!shown[i]) continue;
    lines.emplace_back();
    render_row(lines.back(), m_rows[i], view, label_width);
  }
  if (!hidden.empty()) {
    lines.emplace_back();
    ClippedLine(lines.back(), view.columns - 1, view.color).add(fold_line(hidden), ansi::dim);
  }
  return lines;
}

}  // namespace boss
