// The command line: what the user asked for, as data, and the parsing that produces it.
// Every mistake is one line naming it ("unknown command 'stat' (did you mean
// 'status'?)", "unknown option '-x'", "--timeout: must be ..."), exit code 2.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace boss {

struct Options {
  std::string file = "services.lua";
  std::string project;   // -p; "" = from services.lua or the folder
  bool verbose = false;  // -v
  bool quiet = false;    // -q
  std::string progress;  // --progress; "" = $BOSS_PROGRESS, else auto

  std::string command;  // start, stop, reload, status, logs, push
  std::vector<std::string> services;
  std::vector<std::string> exclude;
  std::optional<double> timeout;  // seconds; the command's default when unset
  std::optional<double> stop_timeout;  // restart --stop-timeout
  bool dry_run = false;
  bool json = false;
  bool remove = false;
  bool build = false;
  std::size_t parallel = 0;  // --parallel; 0 = the default

  // logs
  bool follow = false;
  int tail = -1;  // -1 = all
  std::string since;  // UNIX time for the engine; "" = from the start
  bool timestamps = false;
  bool no_color = false;
};

// What parse_command_line decided.
struct Parsed {
  enum class Outcome { run, exit };
  Outcome outcome = Outcome::run;
  int exit_code = 0;  // for Outcome::exit: 0 after --help/--version, 2 after an error
  Options options;
};

// Parses argv. Prints --help/--version output and one-line errors ("boss: ...") itself.
Parsed parse_command_line(int argc, char** argv);

}  // namespace boss
