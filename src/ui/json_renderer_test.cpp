#include "ui/json_renderer.h"

#include <doctest/doctest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "testing/mem_file.h"
#include "ui/json_fields.h"
#include "testing/event_fixtures.h"

using namespace boss;
using namespace boss::fixtures;
using nlohmann::json;

namespace {

// Every line of `text`, each parsed (a line that does not parse fails the test).
std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO("line: " << line);
    REQUIRE_NOTHROW(lines.push_back(json::parse(line)));
  }
  return lines;
}

std::vector<Event> every_kind_of_event() {
  auto up = service("db", Phase::up, ActionKind::create, "no container", 1.25);
  up.container_id = "3f2a1b4c5d6e";
  up.ports = {{5432, "tcp", "0.0.0.0", 5433}};
  auto failed = service("web", Phase::failed, ActionKind::create, "exited with code 3", 0.5);
  failed.exit_code = 3;
  failed.instance = 2;
  auto skipped = service("api", Phase::skipped, ActionKind::create, "");
  auto hook = service("db", Phase::hook, ActionKind::create, "");
  hook.hook = "post_start";
  return {
      event(OperationEvent{"start", "todo", {"db", "web", "api"}}),
      event(service("db", Phase::queued, ActionKind::undecided, "")),
      event(pull("db", "a1", "Downloading", 100, 1000)),
      event(pull("db", "", "Digest: sha256:abc")),
      event(build_step("web", "Step 2/5 : RUN make \"all\"", 2, 5)),
      event(hook),
      event(HookOutputEvent{"db", "bad utf-8: \xff\xfe and a tab\t"}),
      event(HookOutputEvent{"", "outside any service"}),
      event(StillWaitingEvent{"web", 0, 12.5, 300, "ping returned false"}),
      event(WarningEvent{"could not save .boss-context"}),
      event(TraceEvent{"GET /containers/json 200 (3 ms)"}),
      event(up),
      event(failed),
      event(skipped),
      event(SummaryEvent{mixed_result()}),
  };
}

}  // namespace

TEST_CASE("json: one parseable object per event, each with v, time and type") {
  MemFile out;
  JsonRenderer renderer(out.get(), true);
  for (const auto& e : every_kind_of_event()) renderer.emit(e);
  renderer.finish();
  const auto lines = parse_lines(out.text());
  REQUIRE(lines.size() == 15);
  for (const auto& line : lines) {
    CHECK(line.at("v") == 1);
    CHECK(line.at("time") == "2026-12-02T10:52:47.123456Z");
  }
  const std::vector<std::string> types = {"operation",   "service",       "progress", "progress", "progress",
                                          "service",     "hook_output",   "hook_output", "still_waiting",
                                          "warning",     "trace",         "service",  "service",  "service",
                                          "summary"};
  for (std::size_t i = 0; i < types.size(); ++i) CHECK(lines[i].at("type") == types[i]);

  CHECK(lines[0] == json::parse(R"({"v":1,"time":"2026-12-02T10:52:47.123456Z","type":"operation",
      "command":"start","project":"todo","services":["db","web","api"]})"));
  CHECK(lines[1].at("action") == "undecided");
  CHECK_FALSE(lines[1].contains("reason"));   // empty, and not a failure
  CHECK_FALSE(lines[1].contains("instance"));
  CHECK(lines[2] == json::parse(R"({"v":1,"time":"2026-12-02T10:52:47.123456Z","type":"progress","service":"db",
      "kind":"pull","layer":"a1","status":"Downloading","current":100,"total":1000})"));
  CHECK_FALSE(lines[3].contains("layer"));
  CHECK(lines[4].at("text") == "Step 2/5 : RUN make \"all\"");
  CHECK(lines[4].at("step") == 2);
  CHECK(lines[4].at("steps") == 5);
  CHECK(lines[5].at("hook") == "post_start");
  CHECK(lines[6].at("text") == "bad utf-8: \xEF\xBF\xBD\xEF\xBF\xBD and a tab\t");
  CHECK_FALSE(lines[7].contains("service"));
  CHECK(lines[8].at("waited") == 12.5);
  CHECK(lines[8].at("timeout") == 300);
  CHECK(lines[8].at("last_result") == "ping returned false");
  CHECK(lines[10].at("text") == "GET /containers/json 200 (3 ms)");

  CHECK(lines[11] == json::parse(R"({"v":1,"time":"2026-12-02T10:52:47.123456Z","type":"service","service":"db",
      "state":"up","action":"create","reason":"no container","container":"3f2a1b4c5d6e",
      "ports":[{"host_ip":"0.0.0.0","host_port":5433,"container_port":5432,"protocol":"tcp"}],"elapsed":1.25})"));
  CHECK(lines[12].at("instance") == 2);
  CHECK(lines[12].at("exit_code") == 3);
  CHECK(lines[12].at("state") == "failed");
  CHECK(lines[13].at("reason") == "");  // always there on skipped and failed
}

TEST_CASE("json: the summary lists every service with its outcome, the exit code and interruption") {
  MemFile out;
  JsonRenderer renderer(out.get(), false);
  renderer.emit(event(SummaryEvent{mixed_result()}));
  renderer.finish();
  const auto lines = parse_lines(out.text());
  REQUIRE(lines.size() == 1);
  const json& s = lines[0];
  CHECK(s.at("type") == "summary");
  CHECK(s.at("command") == "start");
  CHECK(s.at("project") == "todo");
  CHECK(s.at("exit_code") == 1);
  CHECK(s.at("interrupted") == false);
  CHECK_FALSE(s.contains("error"));
  REQUIRE(s.at("services").size() == 4);
  CHECK(s["services"][0] == json::parse(R"({"service":"db","state":"up","action":"create","reason":"no container",
      "container":"3f2a1b4c5d6e7f","ports":[{"host_ip":"0.0.0.0","host_port":5433,"container_port":5432,
      "protocol":"tcp"},{"host_ip":"::","host_port":5433,"container_port":5432,"protocol":"tcp"}],"elapsed":1.2})"));
  CHECK(s["services"][1].at("state") == "kept");
  CHECK(s["services"][2].at("exit_code") == 3);
  CHECK(s["services"][2].at("logs") == "listening\nfatal: no database");
  CHECK(s["services"][3].at("cause") == "web");
  CHECK_FALSE(s["services"][3].contains("ports"));
}

TEST_CASE("json: a push's layers are progress of kind push, and the service ends pushed") {
  MemFile out;
  JsonRenderer renderer(out.get(), false);
  ProgressEvent step = pull("web", "l1", "Pushing", 5, 10);
  step.progress.kind = ImageProgress::Kind::push;
  renderer.emit(event(step));
  ServiceEvent pushed;
  pushed.service = "web";
  pushed.phase = Phase::pushed;
  pushed.action = ActionKind::push;
  pushed.reason = "h:5000/web:1";
  renderer.emit(event(pushed));
  renderer.finish();
  const auto lines = parse_lines(out.text());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == json::parse(R"({"v":1,"time":"2026-12-02T10:52:47.123456Z","type":"progress","service":"web",
      "kind":"push","layer":"l1","status":"Pushing","current":5,"total":10})"));
  CHECK(lines[1].at("state") == "pushed");
  CHECK(lines[1].at("action") == "push");
  CHECK(lines[1].at("reason") == "h:5000/web:1");
}

TEST_CASE("json: a replica's hook output carries its instance") {
  MemFile out;
  JsonRenderer renderer(out.get(), false);
  renderer.emit(event(HookOutputEvent{"web", "seeded", 2}));
  renderer.emit(event(HookOutputEvent{"db", "one"}));
  renderer.finish();
  std::istringstream lines(out.text());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  const auto a = nlohmann::json::parse(first), b = nlohmann::json::parse(second);
  CHECK(a["type"] == "hook_output");
  CHECK(a["service"] == "web");
  CHECK(a["instance"] == 2);
  CHECK(a["text"] == "seeded");
  CHECK_FALSE(b.contains("instance"));
}

TEST_CASE("json: traces only with -v") {
  MemFile out;
  JsonRenderer renderer(out.get(), false);
  renderer.emit(event(TraceEvent{"GET /containers/json"}));
  renderer.finish();
  CHECK(out.text().empty());
}

TEST_CASE("json: times are RFC 3339 UTC with microseconds") {
  using namespace std::chrono;
  CHECK(rfc3339_utc(system_clock::time_point(microseconds(0))) == "1970-01-01T00:00:00.000000Z");
  CHECK(rfc3339_utc(fixed_time()) == "2026-12-02T10:52:47.123456Z");
  CHECK(rfc3339_utc(system_clock::time_point(microseconds(-1))) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("json: the summary lists the project resources removed, only when there are some") {
  MemFile out;
  JsonRenderer renderer(out.get(), false);
  CommandResult r;
  r.command = "down";
  r.project = "todo";
  renderer.emit(event(SummaryEvent{r}));
  r.removed = {{"container", "todo-old"}, {"volume", "todo_data"}};
  renderer.emit(event(SummaryEvent{r}));
  renderer.finish();
  const auto lines = parse_lines(out.text());
  REQUIRE(lines.size() == 2);
  CHECK_FALSE(lines[0].contains("removed"));
  CHECK(lines[1].at("removed") ==
        json::parse(R"([{"kind":"container","name":"todo-old"},{"kind":"volume","name":"todo_data"}])"));
}

TEST_CASE("json: a job's outcome carries its exit code and attempts; a service's has no attempts") {
  auto job = outcome("migrate", Phase::up, ActionKind::create, "no container", 2.5);
  job.exit_code = 0;
  job.attempts = 2;
  const auto j = outcome_json(job);
  CHECK(j.at("state") == "up");
  CHECK(j.at("exit_code") == 0);
  CHECK(j.at("attempts") == 2);
  CHECK_FALSE(outcome_json(outcome("db", Phase::up, ActionKind::create, "no container")).contains("attempts"));
}
