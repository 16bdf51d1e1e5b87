// The command line: what the user asked for, as data, and the parsing that produces it.
// Every mistake is one line naming it ("unknown command 'stat' (did you mean
// 'status'?)", "unknown option '-x'", "--timeout: must be ..."), exit code 2.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boss {

struct Options {
  std::string file;       // -f; "" = the first of services.lua, compose.yaml, ... (cli/services_file.h)
  std::string project;   // -p; "" = from services.lua or the folder
  bool verbose = false;  // -v
  bool quiet = false;    // -q
  std::string progress;  // --progress; "" = $BOSS_PROGRESS, else auto
  std::vector<std::string> env_files;  // --env-file, in order; empty = .env beside services.lua, if any
  std::vector<std::string> profiles;   // --profile; empty = $BOSS_PROFILES (comma-separated)
  std::string host;      // -H/--host; "" = $DOCKER_HOST, else the docker context
  std::string context;   // --context; "" = $DOCKER_CONTEXT, else currentContext

  std::string command;  // one of visible_commands() or __complete (cli/command_line_app.h)
  std::vector<std::string> services;
  std::vector<std::string> exclude;
  std::optional<double> timeout;  // seconds; the command's default when unset
  std::optional<double> stop_timeout;  // restart --stop-timeout
  bool dry_run = false;
  bool json = false;
  bool remove = false;
  bool deploy_status = false;  // deploy --status
  bool build = false;
  std::size_t parallel = 0;  // --parallel; 0 = the default
  std::size_t keep_runs = 0;  // start, run-jobs --keep-runs; 0 = all
  bool remove_orphans = false;  // start
  bool volumes = false;         // down, prune
  bool images = false;          // prune

  // logs
  bool follow = false;
  int tail = -1;  // -1 = all
  std::string since;  // UNIX time for the engine; "" = from the start
  bool timestamps = false;
  bool no_color = false;

  // exec, run: the service is services[0]; what to run in it (exec: required; run: the
  // service's cmd when empty)
  std::vector<std::string> argv;
  bool no_tty = false;  // -T: plain streams even on a terminal
  int instance = 1;     // exec --instance
  bool no_deps = false;  // run
  bool keep = false;     // run: leave the container
  bool publish = false;  // run: publish the service's ports
  std::map<std::string, std::string> env;  // run -e KEY=VALUE

  // proxy
  std::string listen = "127.0.0.1:8000";  // --listen, as typed: ADDR:PORT, [IPv6]:PORT or PORT (loopback)
  std::string domain = "localhost";       // --domain, normalized
  std::string admin_token;                // --admin-token ("": $BOSS_ADMIN_TOKEN, else loopback-only /_boss/)
  double wait_timeout = 60;               // --wait-timeout: seconds a request waits for an on_demand start
  std::optional<std::int64_t> memory_budget;  // --memory-budget: bytes of mem_limit the running on_demand services may sum to

  // launch: the template is services[0]
  std::string launch_name;   // --name: the launch's id ("": a random one)
  std::string launch_input;  // --input: a JSON file, or - for stdin ("": none)

  std::string convert_file;  // convert: the compose file; "" = -f, else the one found
  std::string shell;         // completion: bash, zsh or fish
  std::string complete_what;  // __complete (what completion scripts ask): services
};

// What parse_command_line decided.
struct Parsed {
  enum class Outcome { run, exit };
  Outcome outcome = Outcome::run;
  int exit_code = 0;  // for Outcome::exit: 0 after --help/--version, 2 after an error
  Options options;
};

// `boss exec|run [OPTIONS] SERVICE [--] CMD...`: where SERVICE is in argv (its index),
// or argc when it is missing. Everything after it is the command, never boss's options.
int service_word_index(int argc, char** argv, int command_index);

// Parses argv. Prints --help/--version output and one-line errors ("boss: ...") itself.
Parsed parse_command_line(int argc, char** argv);

}  // namespace boss
