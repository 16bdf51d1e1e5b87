// `--progress tty`: a live block on a terminal, one line per service redrawn in place
// (cursor up, clear line), in the manner of docker compose's display.
//
// Events only change the board (TtyBoard) and queue lines; a ticker thread draws a frame
// ~10 times a second, and only when something changed or a spinner turns. A frame is
// rendered into one buffer and written at once: the lines queued since the last frame
// (hook output, still-waiting lines) above, then the block. Warnings and traces go to
// stderr right away (block cleared, line written, block redrawn). The summary is printed
// below the final block, which then stays as it is.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ui/label_column.h"
#include "ui/renderer.h"
#include "ui/terminal.h"
#include "ui/tty_board.h"

namespace boss {

class TtyRenderer : public Renderer {
 public:
  struct Options {
    std::FILE* out = stdout;
    std::FILE* err = stderr;
    bool verbose = false;
    bool color = true;
    // Asked before every frame, so a resized terminal is followed.
    std::function<TerminalSize()> size = [] { return TerminalSize{}; };
    // How often the ticker may draw; zero: no ticker thread (tests call draw()).
    std::chrono::milliseconds tick{100};
  };

  explicit TtyRenderer(Options options);
  ~TtyRenderer() override;  // finish()

  void emit(const Event& event) override;
  // Stops the ticker and draws the last frame; the cursor is left on a fresh line below
  // the block (or the summary). Idempotent.
  void finish() override;

  // Draws a frame now if anything changed or a spinner turns; what the ticker calls.
  void draw();

 private:
  void draw_frame();               // m_mutex held
  void above(std::string line);    // queued for the next frame; m_mutex held
  void write_to_err(const std::string& line);  // m_mutex held
  void run_ticker();

  Options m_options;
  std::mutex m_mutex;  // guards everything below and the output streams
  TtyBoard m_board;
  LabelColumn m_column;              // for the lines above the block
  std::vector<std::string> m_above;  // lines to print above the block in the next frame
  int m_drawn = 0;                   // lines of the block on screen, ending at the cursor
  std::vector<std::string> m_shown;  // those lines' text, when m_drawn of them (else empty)
  bool m_dirty = false;
  bool m_finished = false;
  std::string m_frame;               // reused buffer
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_ticker;
};

}  // namespace boss
