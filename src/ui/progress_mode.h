// Which renderer shows an operation: `--progress auto|tty|plain|json|quiet`, decided by a
// pure function so every combination is tested without a terminal.
#pragma once

#include <string>

namespace boss {

enum class ProgressMode {
  tty,    // a live block redrawn in place (needs a terminal that moves the cursor)
  plain,  // one line per change: logs, CI, pipes
  json,   // one JSON object per line on stdout
  quiet,  // only failures and the summary
};
const char* progress_mode_name(ProgressMode mode);

// Everything the choice depends on, read by the caller (see read_progress_request).
struct ProgressRequest {
  std::string flag;             // --progress, "" when not given
  std::string env;              // BOSS_PROGRESS, "" when unset
  bool quiet = false;           // -q
  bool stdout_is_tty = false;
  std::string term;             // TERM
  bool no_color = false;        // NO_COLOR is set to a non-empty value
};

struct ProgressChoice {
  ProgressMode mode = ProgressMode::plain;
  bool color = false;  // ANSI colours: tty mode only, never with NO_COLOR
};

// The mode asked for is the flag, else BOSS_PROGRESS, else auto; -q means quiet, and is
// an error beside a flag that asks for something else (it overrides BOSS_PROGRESS).
// auto is tty when stdout is a terminal, plain otherwise. TERM=dumb (or unset) turns
// tty into plain, whether asked for or automatic: such a terminal cannot move the
// cursor. NO_COLOR keeps the live redraw but drops the colours.
// Throws DefinitionError naming the source of an unknown mode.
ProgressChoice choose_progress(const ProgressRequest& request);

// A request from this process's environment (BOSS_PROGRESS, TERM, NO_COLOR, isatty(1)).
ProgressRequest read_progress_request(const std::string& flag, bool quiet);

// Whether `boss logs` colours its name column: on a terminal that is not dumb, unless
// NO_COLOR.
bool colors_for_logs(const ProgressRequest& request);

}  // namespace boss
