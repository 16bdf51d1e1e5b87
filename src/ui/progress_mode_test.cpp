#include "ui/progress_mode.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

namespace {

ProgressRequest terminal() {
  ProgressRequest r;
  r.stdout_is_tty = true;
  r.term = "xterm-256color";
  return r;
}

ProgressMode mode(const ProgressRequest& r) { return choose_progress(r).mode; }

}  // namespace

TEST_CASE("progress mode: auto follows stdout") {
  auto r = terminal();
  CHECK(mode(r) == ProgressMode::tty);
  CHECK(choose_progress(r).color);
  r.stdout_is_tty = false;
  CHECK(mode(r) == ProgressMode::plain);
  CHECK_FALSE(choose_progress(r).color);
  r.flag = "auto";
  CHECK(mode(r) == ProgressMode::plain);
}

TEST_CASE("progress mode: the flag wins over BOSS_PROGRESS, which wins over auto") {
  auto r = terminal();
  r.env = "json";
  CHECK(mode(r) == ProgressMode::json);
  r.flag = "plain";
  CHECK(mode(r) == ProgressMode::plain);
  r.flag = "auto";
  CHECK(mode(r) == ProgressMode::tty);  // an explicit auto is not overridden by the environment
}

TEST_CASE("progress mode: -q is quiet, beside a quiet flag or over the environment") {
  auto r = terminal();
  r.quiet = true;
  CHECK(mode(r) == ProgressMode::quiet);
  r.env = "json";
  CHECK(mode(r) == ProgressMode::quiet);
  r.flag = "quiet";
  CHECK(mode(r) == ProgressMode::quiet);
  r.flag = "json";
  CHECK_THROWS_WITH_AS(choose_progress(r), "-q and --progress json cannot be used together", DefinitionError);
}

TEST_CASE("progress mode: a dumb terminal gets plain; NO_COLOR keeps the redraw") {
  auto r = terminal();
  r.term = "dumb";
  CHECK(mode(r) == ProgressMode::plain);
  r.flag = "tty";
  CHECK(mode(r) == ProgressMode::plain);
  r.term = "";
  CHECK(mode(r) == ProgressMode::plain);
  r = terminal();
  r.no_color = true;
  CHECK(mode(r) == ProgressMode::tty);
  CHECK_FALSE(choose_progress(r).color);
  r.stdout_is_tty = false;
  r.flag = "tty";  // asked for, e.g. under `script`: honoured
  CHECK(mode(r) == ProgressMode::tty);
}

TEST_CASE("progress mode: an unknown mode names where it came from") {
  auto r = terminal();
  r.flag = "fancy";
  CHECK_THROWS_WITH_AS(choose_progress(r),
                       "--progress: unknown progress mode 'fancy' (auto, tty, plain, json or quiet)", DefinitionError);
  r.flag = "";
  r.env = "loud";
  CHECK_THROWS_WITH_AS(choose_progress(r),
                       "BOSS_PROGRESS: unknown progress mode 'loud' (auto, tty, plain, json or quiet)",
                       DefinitionError);
}

TEST_CASE("progress mode: log colours only on a real, colourful terminal") {
  auto r = terminal();
  CHECK(colors_for_logs(r));
  r.no_color = true;
  CHECK_FALSE(colors_for_logs(r));
  r = terminal();
  r.term = "dumb";
  CHECK_FALSE(colors_for_logs(r));
  r = terminal();
  r.stdout_is_tty = false;
  CHECK_FALSE(colors_for_logs(r));
}
