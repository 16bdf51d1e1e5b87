// The live block of `--progress tty` as data: one row per service with its state, and
// the lines that show it at a given moment. No I/O and no locking (TtyRenderer owns both),
// so what a frame looks like is tested directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/events.h"

namespace boss {

class TtyBoard {
 public:
  using Clock = std::chrono::steady_clock;

  struct View {
    int columns = 80;    // lines are cut one short of it, so the terminal never wraps
    int rows = 24;       // at most rows - 1 lines: the cursor's line stays on screen
    bool color = false;
    Clock::time_point now;  // for the elapsed time of services still in progress
  };

  // A new operation: a queued row for each of its services, in its order.
  void begin(const OperationEvent& event);
  void update(const ServiceEvent& event, Clock::time_point now);
  void update(const ProgressEvent& event);
  // Every row takes its outcome's final state.
  void finish(const CommandResult& result);
  void clear();

  bool empty() const { return m_rows.empty(); }
  // A row is in progress: its spinner and elapsed time change on every frame.
  bool animating() const;

  // The block, one string per line without '\n'. When there are more rows than fit, the
  // rows in progress are shown (then queued ones, then failures), in their order, and
  // the rest are folded into a last line that counts them.
  std::vector<std::string> render(const View& view) const;

 private:
  struct Row {
    std::string label;
    Phase phase = Phase::queued;
    std::string text;         // the words for its state (service_words.h)
    Clock::time_point began;  // when its work began (steady), while in progress
    double elapsed = 0;       // final: what the last event said
    // pulling: bytes done and expected, summed over layers; building: step n of m.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> layers;  // layer -> done, total
    std::int64_t done = 0, total = 0;
    int step = 0, steps = 0;
  };

  Row& row(const std::string& label);
  // The row of one instance: the service's own row (queued, or fetching its image)
  // becomes its first instance's, so that replicas leave no row behind.
  Row& instance_row(const std::string& service, int instance);
  void render_row(std::string& line, const Row& r, const View& view, std::size_t label_width) const;
  std::string fold_line(const std::vector<const Row*>& hidden) const;

  std::vector<Row> m_rows;
  std::unordered_map<std::string, std::size_t> m_index;  // label -> position in m_rows
};

}  // namespace boss
