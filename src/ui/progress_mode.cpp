#include "ui/progress_mode.h"

#include <cstdlib>
#include <optional>

#include <unistd.h>

#include "core/errors.h"

namespace boss {

namespace {

// nullopt for "auto".
std::optional<ProgressMode> parse_mode(const std::string& text, const std::string& source) {
  if (text == "auto") return std::nullopt;
  if (text == "tty") return ProgressMode::tty;
  if (text == "plain") return ProgressMode::plain;
  if (text == "json") return ProgressMode::json;
  if (text == "quiet") return ProgressMode::quiet;
  throw DefinitionError(source + ": unknown progress mode '" + text + "' (auto, tty, plain, json or quiet)");
}

bool cursor_moves(const std::string& term) { return !term.empty() && term != "dumb"; }

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

const char* progress_mode_name(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::tty: return "tty";
    case ProgressMode::plain: return "plain";
    case ProgressMode::json: return "json";
    case ProgressMode::quiet: return "quiet";
  }
  return "?";
}

ProgressChoice choose_progress(const ProgressRequest& request) {
  std::optional<ProgressMode> asked;
  if (!request.flag.empty()) {
    asked = parse_mode(request.flag, "--progress");
    if (request.quiet && asked && *asked != ProgressMode::quiet)
      throw DefinitionError("-q and --progress " + request.flag + " cannot be used together");
  } else if (!request.env.empty()) {
    asked = parse_mode(request.env, "BOSS_PROGRESS");
  }
  if (request.quiet) asked = ProgressMode::quiet;

  ProgressMode mode = asked.value_or(request.stdout_is_tty ? ProgressMode::tty : ProgressMode::plain);
  if (mode == ProgressMode::tty && !cursor_moves(request.term)) mode = ProgressMode::plain;
  return {mode, mode == ProgressMode::tty && !request.no_color};
}

ProgressRequest read_progress_request(const std::string& flag, bool quiet) {
  ProgressRequest request;
  request.flag = flag;
  request.env = env_or_empty("BOSS_PROGRESS");
  request.quiet = quiet;
  request.stdout_is_tty = isatty(STDOUT_FILENO) == 1;
  request.term = env_or_empty("TERM");
  request.no_color = !env_or_empty("NO_COLOR").empty();
  return request;
}

bool colors_for_logs(const ProgressRequest& request) {
  return request.stdout_is_tty && cursor_moves(request.term) && !request.no_color;
}

}  // namespace boss
