#include "ui/summary_view.h"

#include <doctest/doctest.h>

#include "testing/event_fixtures.h"
#include "ui/service_words.h"

using namespace boss;
using namespace boss::fixtures;

TEST_CASE("summary: outcomes, reasons, addresses, log tails and counts") {
  CHECK(render_summary_text(mixed_result()) ==
        "summary:\n"
        "  db     up (created in 1.2 s)\n"
        "         localhost:5433 -> 5432/tcp\n"
        "  cache  up (running, unchanged)\n"
        "         127.0.0.1:32768 -> 6379/tcp\n"
        "  web    failed: ping timed out after 300 s\n"
        "         last log lines (exit code 3):\n"
        "         | listening\n"
        "         | fatal: no database\n"
        "  api    skipped: dependency 'web' failed\n"
        "2 up, 1 failed, 1 skipped\n");
}

TEST_CASE("summary: the operation's own error and an interruption") {
  CommandResult r;
  r.command = "start";
  r.outcomes = {outcome("db", Phase::up, ActionKind::start, "exited, unchanged", 0.4)};
  auto web = outcome("web", Phase::interrupted, ActionKind::create, "");
  web.began = false;
  r.outcomes.push_back(web);
  r.interrupted = true;
  r.error = "on_start: attempt to index a nil value";
  CHECK(render_summary_text(r) ==
        "summary:\n"
        "  db   up (started in 0.4 s)  exited, unchanged\n"
        "  web  not started (interrupted)\n"
        "1 up, 1 interrupted\n"
        "error: on_start: attempt to index a nil value\n");
  r.outcomes.pop_back();
  r.error.clear();
  CHECK(render_summary_text(r).find("1 up (interrupted)\n") != std::string::npos);
}

TEST_CASE("summary: stop outcomes") {
  CommandResult r;
  r.command = "stop";
  auto web = outcome("web", Phase::stopped, ActionKind::stop, "running", 10.2);
  web.killed = true;
  r.outcomes = {outcome("db", Phase::removed, ActionKind::remove, "", 0.3), web,
                outcome("cache", Phase::stopped, ActionKind::none, "not running")};
  CHECK(render_summary_text(r) ==
        "summary:\n"
        "  db     removed (in 0.3 s)\n"
        "  web    stopped (killed after ignoring its stop signal)  running\n"
        "  cache  stopped (not running)\n"
        "2 stopped, 1 removed\n");
  CHECK(render_summary_text(CommandResult{}) == "summary:\nnothing to do\n");
}

TEST_CASE("service words: the state of a step in progress") {
  auto e = service("db", Phase::hook);
  e.hook = "post_start";
  CHECK(phase_text(e) == "running post_start");
  CHECK(phase_text(service("db", Phase::waiting)) == "waiting until ready");
  CHECK(phase_text(service("db", Phase::up, ActionKind::recreate, "env A changed", 2.5)) == "up (recreated in 2.5 s)");
  CHECK(phase_text(service("db", Phase::failed, ActionKind::create, "exited with code 1")) ==
        "failed: exited with code 1");
  CHECK(decision_text(ActionKind::recreate, "env A changed") == "recreate: env A changed");
  StillWaitingEvent w{"db", 0, 12.7, 300, "ping returned false"};
  CHECK(still_waiting_text(w) == "still waiting (12 s of 300 s): ping returned false");
}

TEST_CASE("summary: the project resources an operation removed") {
  CommandResult r;
  r.command = "prune";
  r.removed = {{"container", "todo-old"}, {"volume", "todo_data"}};
  CHECK(render_summary_text(r) ==
        "summary:\n"
        "  removed container todo-old\n"
        "  removed volume todo_data\n"
        "2 removed\n");
  r.command = "down";
  r.outcomes = {outcome("db", Phase::removed, ActionKind::remove, "", 0.3)};
  r.removed = {{"network", "boss-todo"}};
  CHECK(render_summary_text(r) ==
        "summary:\n"
        "  db  removed (in 0.3 s)\n"
        "  removed network boss-todo\n"
        "1 removed\n");
}

TEST_CASE("summary: a job shows its exit code, runs and time, and counts as done") {
  CommandResult r;
  r.command = "start";
  auto migrate = outcome("migrate", Phase::up, ActionKind::create, "no container", 3.1);
  migrate.exit_code = 0;
  migrate.attempts = 2;
  auto load = outcome("load", Phase::failed, ActionKind::create, "exited with code 3", 0.4);
  load.exit_code = 3;
  load.attempts = 1;
  auto web = outcome("web", Phase::skipped, ActionKind::create, "");
  web.cause = "load";
  r.outcomes = {migrate, load, web, outcome("db", Phase::up, ActionKind::create, "no container", 1.2)};
  CHECK(render_summary_text(r) ==
        "summary:\n"
        "  migrate  done (exit 0, 2 attempts, 3.1 s)\n"
        "  load     failed: exited with code 3 (exit 3, 1 attempt, 0.4 s)\n"
        "  web      skipped: dependency 'load' failed\n"
        "  db       up (created in 1.2 s)\n"
        "1 up, 1 done, 1 failed, 1 skipped\n");
}
