#include "ui/tty_renderer.h"

#include <doctest/doctest.h>

#include <ctime>
#include <memory>
#include <thread>

#include "testing/mem_file.h"
#include "testing/event_fixtures.h"

using namespace boss;
using namespace boss::fixtures;

namespace {

TtyRenderer::Options options(MemFile& out, MemFile& err, TerminalSize size = {60, 24}) {
  TtyRenderer::Options o;
  o.out = out.get();
  o.err = err.get();
  o.color = false;
  o.size = [size] { return size; };
  o.tick = std::chrono::milliseconds(0);  // frames only when the test calls draw()
  return o;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

TEST_CASE("tty: the block is drawn, then redrawn in place") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db", "web"}}));
  tty.draw();
  const std::string first = out.text();
  CHECK(first ==
        "\x1b[2K · db           queued\n"
        "\x1b[2K · web          queued\n");

  tty.emit(event(service("db", Phase::creating, ActionKind::create, "no container")));
  tty.draw();
  const std::string second = out.text().substr(first.size());
  CHECK(second.rfind("\r\x1b[2A\x1b[2K ", 0) == 0);  // up two lines, then the first line again
  CHECK(second.find("creating container (no container)\n") != std::string::npos);
  // web's row did not change: stepped over with a bare newline, not written again.
  CHECK(count(second, "\x1b[2K") == 1);
  CHECK(second.find("web") == std::string::npos);
  CHECK(second.back() == '\n');
  CHECK(second.find("\x1b[J") == std::string::npos);  // as many lines as before

  // Nothing changed, but a spinner turns: still redrawn.
  tty.draw();
  CHECK(out.text().size() > first.size() + second.size());
  tty.finish();
  CHECK(out.text().back() == '\n');
}

TEST_CASE("tty: nothing is written while nothing changes") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db"}}));
  tty.draw();
  const auto drawn = out.text().size();
  tty.draw();
  tty.draw();
  CHECK(out.text().size() == drawn);  // queued rows do not move
  tty.finish();
}

TEST_CASE("tty: hook output and still-waiting lines go above the block") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db", "web"}}));
  tty.draw();
  const auto before = out.text().size();
  tty.emit(event(HookOutputEvent{"db", "seeded 3 users"}));
  tty.emit(event(StillWaitingEvent{"web", 0, 12, 300, "ping returned false"}));
  tty.draw();
  const std::string frame = out.text().substr(before);
  CHECK(frame.rfind("\r\x1b[2A"
                    "\x1b[2Kdb   > seeded 3 users\n"
                    "\x1b[2Kweb  still waiting (12 s of 300 s): ping returned false\n"
                    "\x1b[2K · db",
                    0) == 0);
  CHECK(count(frame, "\x1b[2K") == 4);

  tty.finish();
}

TEST_CASE("tty: a block that shrinks (the terminal got smaller) clears what is left of it") {
  MemFile out, err;
  auto o = options(out, err);
  auto rows = std::make_shared<int>(24);
  o.size = [rows] { return TerminalSize{60, *rows}; };
  TtyRenderer tty(o);
  tty.emit(event(OperationEvent{"start", "todo", {"db", "web", "api"}}));
  tty.draw();
  const auto before = out.text().size();
  *rows = 3;  // room for one row and the fold line
  tty.emit(event(service("db", Phase::up)));
  tty.draw();
  const std::string frame = out.text().substr(before);
  CHECK(frame.rfind("\r\x1b[3A", 0) == 0);
  CHECK(count(frame, "\x1b[2K") == 2);
  CHECK(frame.substr(frame.size() - 3) == "\x1b[J");
  tty.finish();
}

TEST_CASE("tty: a warning clears the block, goes to stderr, and the block comes back") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db"}}));
  tty.draw();
  const auto before = out.text().size();
  tty.emit(event(WarningEvent{"could not save .boss-context"}));
  CHECK(err.text() == "boss: warning: could not save .boss-context\n");
  CHECK(out.text().substr(before) == "\r\x1b[1A\x1b[J\x1b[2K · db          queued\n");
  tty.emit(event(TraceEvent{"GET /containers/json"}));  // not verbose: nothing
  CHECK(err.text() == "boss: warning: could not save .boss-context\n");
  tty.finish();
}

TEST_CASE("tty: the summary follows the final block, and the block stays") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db", "cache", "web", "api"}}));
  tty.emit(event(service("db", Phase::waiting, ActionKind::create, "no container", 0.3)));
  tty.draw();
  const auto before = out.text().size();
  tty.emit(event(SummaryEvent{mixed_result()}));
  tty.draw();  // nothing left to animate
  tty.finish();
  const std::string end = out.text().substr(before);
  CHECK(end.rfind("\r\x1b[4A\x1b[2K ✔ db       1.2s  up (created in 1.2 s)\n", 0) == 0);
  CHECK(end.find("\x1b[2K ✘ web    300.0s  failed: ping timed out after 300 s\n") != std::string::npos);
  const auto summary = end.find("summary:\n");
  REQUIRE(summary != std::string::npos);
  CHECK(end.substr(summary).find('\x1b') == std::string::npos);
  CHECK(end.size() - end.substr(summary).size() > 0);
  CHECK(end.substr(end.size() - 26) == "2 up, 1 failed, 1 skipped\n");
}

TEST_CASE("tty: colours unless turned off, lines kept within the width") {
  MemFile out, err;
  auto o = options(out, err, {30, 24});
  o.color = true;
  TtyRenderer tty(o);
  tty.emit(event(OperationEvent{"start", "todo", {"db"}}));
  tty.emit(event(service("db", Phase::failed, ActionKind::create, "a reason much longer than thirty columns")));
  tty.finish();
  const std::string text = out.text();
  CHECK(text.find("\x1b[31m") != std::string::npos);
  CHECK(text.find("thirty") == std::string::npos);
}

TEST_CASE("tty: finish stops the ticker; frames come from it meanwhile") {
  MemFile out, err;
  auto o = options(out, err);
  o.tick = std::chrono::milliseconds(10);
  TtyRenderer tty(o);
  tty.emit(event(OperationEvent{"start", "todo", {"db"}}));
  tty.emit(event(service("db", Phase::waiting, ActionKind::create, "no container")));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  tty.finish();
  const std::string text = out.text();
  CHECK(count(text, "waiting until ready") >= 2);
  CHECK(text.back() == '\n');
  tty.finish();  // idempotent
  CHECK(out.text() == text);
}

// The events of one service's start with a pulled image: ~110 events, most of them byte
// ticks of five layers.
std::vector<Event> service_start(const std::string& name) {
  std::vector<Event> events;
  auto add = [&](auto body) { events.push_back(event(std::move(body))); };
  add(service(name, Phase::pulling, ActionKind::create, "busybox:1", 0));
  for (int layer = 0; layer < 5; ++layer)
    for (int tick = 1; tick <= 20; ++tick)
      add(pull(name, "layer" + std::to_string(layer), "Downloading", tick * 100000, 2000000));
  add(service(name, Phase::creating, ActionKind::create, "no container", 0.2));
  add(service(name, Phase::starting, ActionKind::create, "no container", 0.3));
  add(service(name, Phase::waiting, ActionKind::create, "no container", 0.35));
  add(StillWaitingEvent{name, 0, 10, 300, "ping returned false"});
  auto hook = service(name, Phase::hook, ActionKind::create, "no container", 0.5);
  hook.hook = "post_start";
  add(hook);
  add(HookOutputEvent{name, "seeded"});
  add(service(name, Phase::up, ActionKind::create, "no container", 0.6));
  return events;
}

// Not a check but a measurement: what the tty renderer costs for a start of 100
// services, with output going to /dev/null (the write calls are paid, a terminal's
// drawing is not). Printed, not asserted.
TEST_CASE("tty: CPU used for 100 services (printed)") {
  std::FILE* devnull = std::fopen("/dev/null", "w");
  REQUIRE(devnull);
  TtyRenderer::Options o;
  o.out = devnull;
  o.err = devnull;
  o.color = true;
  o.size = [] { return TerminalSize{160, 120}; };  // every row visible
  constexpr int kServices = 100;
  std::vector<std::string> services;
  std::vector<std::vector<Event>> streams;
  CommandResult result;
  for (int i = 0; i < kServices; ++i) {
    services.push_back("service-" + std::to_string(i));
    streams.push_back(service_start(services.back()));
    result.outcomes.push_back(outcome(services.back(), Phase::up, ActionKind::create, "no container", 1));
  }
  std::size_t events = 2;
  for (const auto& s : streams) events += s.size();

  // 1. Every event once, no frames: the cost of taking events in.
  TtyRenderer::Options no_ticker = o;
  no_ticker.tick = std::chrono::milliseconds(0);
  double events_cpu = 0;
  {
    TtyRenderer tty(no_ticker);
    const double c0 = cpu_seconds();
    tty.emit_now(OperationEvent{"start", "bench", services});
    for (const auto& s : streams)
      for (const auto& e : s) tty.emit(e);
    events_cpu = cpu_seconds() - c0;
    tty.finish();
  }

  // 2. One frame of 100 rows in progress.
  double frame_cpu = 0;
  {
    TtyRenderer tty(no_ticker);
    tty.emit_now(OperationEvent{"start", "bench", services});
    for (const auto& name : services) tty.emit_now(service(name, Phase::waiting, ActionKind::create, "", 1));
    constexpr int kFrames = 200;
    const double c0 = cpu_seconds();
    for (int i = 0; i < kFrames; ++i) tty.draw();
    frame_cpu = (cpu_seconds() - c0) / kFrames;
    tty.finish();
  }

  // 3. The whole thing through the ticker: 4 threads bring services up over 2 s, far
  //    faster than a real start of 100 services, so the share is pessimistic. The same
  //    run into a NullSink is the baseline (threads, sleeps) that is subtracted.
  auto paced_run = [&](EventSink& sink, std::chrono::milliseconds wall) {
    constexpr int kThreads = 4;
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    sink.emit_now(OperationEvent{"start", "bench", services});
    std::vector<std::thread> workers;
    for (int w = 0; w < kThreads; ++w)
      workers.emplace_back([&, w] {
        for (int i = w; i < kServices; i += kThreads) {
          const auto& s = streams[i];
          for (std::size_t k = 0; k + 1 < s.size(); ++k) sink.emit(s[k]);
          std::this_thread::sleep_for(wall / (kServices / kThreads));
          sink.emit(s.back());
        }
      });
    for (auto& t : workers) t.join();
    sink.emit_now(SummaryEvent{result});
    if (auto* renderer = dynamic_cast<Renderer*>(&sink)) renderer->finish();
    return std::pair{cpu_seconds() - c0,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
  };
  NullSink null;
  paced_run(null, std::chrono::milliseconds(100));  // warm up the threads' allocator arenas
  const auto [base_cpu, base_wall] = paced_run(null, std::chrono::milliseconds(2000));
  TtyRenderer paced(o);
  const auto [run_cpu, run_wall] = paced_run(paced, std::chrono::milliseconds(2000));
  const double renderer_cpu = run_cpu - base_cpu;
  std::fclose(devnull);

  MESSAGE("tty renderer, " << kServices << " services, " << events << " events: taking them in "
                           << events_cpu * 1000 << " ms CPU; one frame of " << kServices << " rows "
                           << frame_cpu * 1e6 << " us (" << frame_cpu * 10 * 100
                           << " % of a core at 10 Hz); a whole start paced over " << run_wall << " s: "
                           << renderer_cpu * 1000 << " ms CPU = " << 100 * renderer_cpu / run_wall
                           << " % of wall time (run " << run_cpu * 1000 << " ms less baseline " << base_cpu * 1000
                           << " ms)");
}

TEST_CASE("tty: a line printed above the block moves it, so every row is written again") {
  MemFile out, err;
  TtyRenderer tty(options(out, err));
  tty.emit(event(OperationEvent{"start", "todo", {"db", "web"}}));
  tty.draw();
  const auto before = out.text().size();
  HookOutputEvent hook;
  hook.service = "db";
  hook.text = "seeding";
  tty.emit(event(hook));
  tty.draw();
  const std::string frame = out.text().substr(before);
  CHECK(frame.find("> seeding\n") != std::string::npos);
  CHECK(frame.find("db ") != std::string::npos);
  CHECK(frame.find("web") != std::string::npos);  // not stepped over: it moved down a line
  CHECK(count(frame, "\x1b[2K") == 3);
  tty.finish();
}
