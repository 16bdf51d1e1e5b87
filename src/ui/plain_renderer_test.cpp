#include "ui/plain_renderer.h"

#include <doctest/doctest.h>

#include "testing/mem_file.h"
#include "testing/event_fixtures.h"
#include "ui/quiet_renderer.h"

using namespace boss;
using namespace boss::fixtures;

namespace {

OperationEvent operation(std::vector<std::string> services) { return {"start", "todo", std::move(services)}; }

}  // namespace

TEST_CASE("plain: one line per change, names aligned, a detail when it is new") {
  MemFile out, err;
  PlainRenderer plain(out.get(), err.get(), false);
  plain.emit(event(operation({"db", "webapp"})));
  plain.emit(event(service("db", Phase::queued)));
  plain.emit(event(service("db", Phase::pulling, ActionKind::create, "postgres:16")));
  plain.emit(event(pull("db", "a1", "Pulling fs layer")));
  plain.emit(event(pull("db", "a1", "Downloading", 100, 1000)));
  plain.emit(event(pull("db", "a1", "Downloading", 900, 1000)));
  plain.emit(event(pull("db", "a1", "Pull complete")));
  plain.emit(event(pull("db", "", "Digest: sha256:abc")));
  plain.emit(event(service("db", Phase::creating, ActionKind::create, "no container")));
  plain.emit(event(service("db", Phase::starting, ActionKind::create, "no container")));
  auto hook = service("db", Phase::hook, ActionKind::create, "no container");
  hook.hook = "post_start";
  plain.emit(event(hook));
  plain.emit(event(HookOutputEvent{"db", "seeded 3 users"}));
  plain.emit(event(HookOutputEvent{"", "all good"}));
  plain.emit(event(service("db", Phase::up, ActionKind::create, "no container", 1.2)));
  plain.emit(event(service("webapp", Phase::building, ActionKind::recreate)));
  plain.emit(event(build_step("webapp", "Step 1/2 : FROM busybox", 1, 2)));
  plain.emit(event(build_step("webapp", "")));
  plain.emit(event(service("webapp", Phase::removing, ActionKind::recreate, "3f2a1b4c5d6e")));
  plain.emit(event(service("webapp", Phase::creating, ActionKind::recreate, "env A changed")));
  plain.emit(event(StillWaitingEvent{"webapp", 0, 12.3, 300, "ping returned false"}));
  plain.emit(event(service("webapp", Phase::failed, ActionKind::recreate, "ping timed out after 300 s", 300)));
  plain.finish();
  CHECK(out.text() ==
        "db      pulling image (postgres:16)\n"
        "db      | a1: Pulling fs layer\n"
        "db      | a1: Downloading\n"
        "db      | a1: Pull complete\n"
        "db      | Digest: sha256:abc\n"
        "db      creating container (no container)\n"
        "db      starting container\n"
        "db      running post_start\n"
        "db      > seeded 3 users\n"
        "boss    > all good\n"
        "db      up (created in 1.2 s)\n"
        "webapp  building image\n"
        "webapp  | Step 1/2 : FROM busybox\n"
        "webapp  removing old container (3f2a1b4c5d6e)\n"
        "webapp  creating container (env A changed)\n"
        "webapp  still waiting (12 s of 300 s): ping returned false\n"
        "webapp  failed: ping timed out after 300 s\n");
  CHECK(err.text().empty());
}

TEST_CASE("plain: warnings and traces on stderr, traces only with -v; the summary at the end") {
  MemFile out, err;
  {
    PlainRenderer plain(out.get(), err.get(), false);
    plain.emit(event(WarningEvent{"could not save .boss-context"}));
    plain.emit(event(TraceEvent{"GET /containers/json 200 (3 ms)"}));
    plain.emit(event(SummaryEvent{mixed_result()}));
    plain.finish();
  }
  CHECK(err.text() == "boss: warning: could not save .boss-context\n");
  CHECK(out.text().rfind("summary:\n  db     up (created in 1.2 s)\n", 0) == 0);
  CHECK(out.text().find("2 up, 1 failed, 1 skipped\n") != std::string::npos);

  MemFile out2, err2;
  PlainRenderer verbose(out2.get(), err2.get(), true);
  verbose.emit(event(TraceEvent{"GET /containers/json 200 (3 ms)"}));
  verbose.finish();
  CHECK(err2.text() == "GET /containers/json 200 (3 ms)\n");
}

TEST_CASE("plain: a replica is named with its number") {
  MemFile out, err;
  PlainRenderer plain(out.get(), err.get(), false);
  plain.emit(event(operation({"web"})));
  auto e = service("web", Phase::creating, ActionKind::create, "no container");
  e.instance = 2;
  plain.emit(event(e));
  plain.emit(event(HookOutputEvent{"web", "seeded", 2}));
  plain.finish();
  CHECK(out.text() == "web-2  creating container (no container)\nweb-2  > seeded\n");
}

TEST_CASE("quiet: only failures, warnings and the summary") {
  MemFile out, err;
  QuietRenderer quiet(out.get(), err.get(), false);
  quiet.emit(event(operation({"db", "web"})));
  quiet.emit(event(service("db", Phase::creating, ActionKind::create, "no container")));
  quiet.emit(event(HookOutputEvent{"db", "seeded"}));
  quiet.emit(event(pull("db", "a1", "Pull complete")));
  quiet.emit(event(service("db", Phase::up, ActionKind::create, "no container", 1.2)));
  quiet.emit(event(service("web", Phase::failed, ActionKind::create, "exited with code 3")));
  quiet.emit(event(TraceEvent{"engine call"}));
  quiet.emit(event(WarningEvent{"another boss run on project 'todo' is in progress; waiting for it"}));
  quiet.emit(event(SummaryEvent{mixed_result()}));
  quiet.finish();
  CHECK(err.text() ==
        "boss: service 'web' failed: exited with code 3\n"
        "boss: warning: another boss run on project 'todo' is in progress; waiting for it\n");
  CHECK(out.text().rfind("summary:\n", 0) == 0);
  CHECK(out.text().find("seeded") == std::string::npos);
}
