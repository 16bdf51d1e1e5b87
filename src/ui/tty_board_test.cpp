#include "ui/tty_board.h"

#include <doctest/doctest.h>

#include "testing/event_fixtures.h"

using namespace boss;
using namespace boss::fixtures;

namespace {

TtyBoard::View view(int columns = 100, int rows = 24) {
  TtyBoard::View v;
  v.columns = columns;
  v.rows = rows;
  v.now = TtyBoard::Clock::now();
  return v;
}

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("svc" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("tty board: a row per service with mark, elapsed time and state") {
  TtyBoard board;
  board.begin({"start", "todo", {"db", "webapp", "api"}});
  const auto now = TtyBoard::Clock::now();
  board.update(service("db", Phase::up, ActionKind::create, "no container", 1.23), now);
  board.update(service("webapp", Phase::waiting, ActionKind::create, "no container", 0.5), now);
  const auto lines = board.render(view());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == " ✔ db        1.2s  up (created in 1.2 s)");
  CHECK(lines[1].find(" webapp ") == 4);  // after a spinner
  CHECK(lines[1].find("s  waiting until ready (no container)") != std::string::npos);
  CHECK(lines[2] == " · api             queued");
  CHECK(board.animating());
}

TEST_CASE("tty board: replicas get a row per instance; the service's queued row becomes the first") {
  TtyBoard board;
  board.begin({"start", "todo", {"web", "app"}});
  const auto now = TtyBoard::Clock::now();
  board.update(service("web", Phase::pulling, ActionKind::create, "busybox"), now);
  for (int i : {2, 1, 3}) {
    auto e = service("web", Phase::up, ActionKind::create, "no container", 1);
    e.instance = i;
    board.update(e, now);
  }
  const auto lines = board.render(view());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find(" web-2 ") != std::string::npos);
  CHECK(lines[1].find(" app ") != std::string::npos);
  CHECK(lines[2].find(" web-1 ") != std::string::npos);
  CHECK(lines[3].find(" web-3 ") != std::string::npos);
  for (const auto& line : lines) CHECK(line.find("pulling") == std::string::npos);
}

TEST_CASE("tty board: a pull's bar sums bytes over layers and never goes back") {
  TtyBoard board;
  board.begin({"start", "todo", {"db"}});
  board.update(service("db", Phase::pulling, ActionKind::create, "postgres:16"), TtyBoard::Clock::now());
  board.update(pull("db", "a", "Downloading", 500000, 1000000));
  board.update(pull("db", "b", "Downloading", 0, 1000000));
  board.update(pull("db", "a", "Extracting", 100, 1000000));  // extraction counts from 0 again
  board.update(pull("db", "a", "Pull complete"));
  auto line = board.render(view())[0];
  CHECK(line.find("pulling image (postgres:16) [=====>              ] 500.0 kB / 2.0 MB") != std::string::npos);
  board.update(pull("db", "b", "Downloading", 1000000, 1000000));
  board.update(pull("db", "a", "Extracting", 1000000, 1000000));
  line = board.render(view())[0];
  CHECK(line.find("[====================] 2.0 MB / 2.0 MB") != std::string::npos);
}

TEST_CASE("tty board: a push shows its layers' bar, then pushed with the image") {
  TtyBoard board;
  board.begin({"push", "todo", {"web"}});
  board.update(service("web", Phase::pushing, ActionKind::push, "h:5000/web:1"), TtyBoard::Clock::now());
  ProgressEvent step = pull("web", "a", "Pushing", 250000, 1000000);
  step.progress.kind = ImageProgress::Kind::push;
  board.update(step);
  const auto line = board.render(view())[0];
  INFO(line);
  CHECK(line.find("pushing image (h:5000/web:1) [=====>              ] 250.0 kB / 1.0 MB") != std::string::npos);
  board.update(service("web", Phase::pushed, ActionKind::push, "h:5000/web:1", 2.0), TtyBoard::Clock::now());
  CHECK(board.render(view())[0] == " ✔ web    2.0s  pushed h:5000/web:1 (in 2.0 s)");
  CHECK_FALSE(board.animating());
}

TEST_CASE("tty board: a build shows step n of m") {
  TtyBoard board;
  board.begin({"start", "todo", {"app"}});
  board.update(service("app", Phase::building, ActionKind::create, ""), TtyBoard::Clock::now());
  board.update(build_step("app", "Step 3/4 : RUN make", 3, 4));
  board.update(build_step("app", " ---> Running in 1234"));  // not numbered: the step stays
  CHECK(board.render(view())[0].find("building image [===============>    ] step 3/4") != std::string::npos);
}

TEST_CASE("tty board: lines are cut to the width, whole UTF-8 characters") {
  TtyBoard board;
  board.begin({"start", "todo", {"db"}});
  board.update(service("db", Phase::failed, ActionKind::create, "ping timed out after 300 s", 300),
               TtyBoard::Clock::now());
  const auto line = board.render(view(20))[0];
  CHECK(line == " ✘ db  300.0s  fail");  // 19 characters: one short of the width
}

TEST_CASE("tty board: more services than rows fold the finished ones into a count") {
  TtyBoard board;
  board.begin({"start", "todo", names(30)});
  const auto now = TtyBoard::Clock::now();
  for (int i = 0; i < 20; ++i) board.update(service("svc" + std::to_string(i), Phase::up), now);
  board.update(service("svc3", Phase::failed, ActionKind::create, "boom"), now);
  for (int i = 20; i < 25; ++i) board.update(service("svc" + std::to_string(i), Phase::waiting), now);
  const auto lines = board.render(view(100, 10));
  REQUIRE(lines.size() == 9);  // rows - 1
  for (int i = 0; i < 5; ++i) CHECK(lines[i].find("svc" + std::to_string(20 + i) + " ") != std::string::npos);
  CHECK(lines[5].find("svc25") != std::string::npos);  // queued ones next
  CHECK(lines[7].find("svc27") != std::string::npos);
  CHECK(lines[8] == "   + 22 more: 19 up, 1 failed, 2 queued");

  // At the end only finished rows are left: failures stay in view.
  CommandResult result;
  for (int i = 0; i < 30; ++i)
    result.outcomes.push_back(outcome("svc" + std::to_string(i), i == 3 ? Phase::failed : Phase::up,
                                      ActionKind::create, i == 3 ? "boom" : "no container"));
  board.finish(result);
  CHECK_FALSE(board.animating());
  const auto last = board.render(view(100, 5));
  REQUIRE(last.size() == 4);
  CHECK(last[0].find("svc0 ") != std::string::npos);
  CHECK(last[2].find("svc3 ") != std::string::npos);
  CHECK(last[2].find("failed: boom") != std::string::npos);
  CHECK(last[3] == "   + 27 more: 27 up");
}

TEST_CASE("tty board: colours mark outcomes, and each outcome has its own symbol") {
  TtyBoard board;
  board.begin({"start", "todo", {"a", "b", "c"}});
  const auto now = TtyBoard::Clock::now();
  board.update(service("a", Phase::up), now);
  board.update(service("b", Phase::failed, ActionKind::create, "boom"), now);
  board.update(service("c", Phase::skipped, ActionKind::create, "dependency 'b' failed"), now);
  auto v = view();
  v.color = true;
  const auto lines = board.render(v);
  CHECK(lines[0].find("\x1b[32m✔\x1b[0m") != std::string::npos);
  CHECK(lines[1].find("\x1b[31m✘\x1b[0m") != std::string::npos);
  CHECK(lines[1].find("\x1b[31mfailed: boom\x1b[0m") != std::string::npos);
  CHECK(lines[2].find("\x1b[33m-\x1b[0m") != std::string::npos);
  v.color = false;
  for (const auto& line : board.render(v)) CHECK(line.find('\x1b') == std::string::npos);
}
