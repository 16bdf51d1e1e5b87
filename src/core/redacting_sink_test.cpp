#include "core/redacting_sink.h"

#include <doctest/doctest.h>

#include "testing/recording_sink.h"

using namespace boss;

TEST_CASE("redacting sink: the texts of every event type are masked") {
  SecretRedactor secrets;
  secrets.add("hunter22");
  testing::RecordingSink recorded;
  RedactingSink sink(recorded, secrets);
  ServiceEvent service;
  service.service = "web";
  service.reason = "ping raised: wrong password hunter22";
  sink.emit_now(service);
  ProgressEvent progress;
  progress.progress.kind = ImageProgress::Kind::build;
  progress.progress.text = "Step 2/3 : RUN echo hunter22";
  sink.emit_now(progress);
  sink.emit_now(StillWaitingEvent{"web", 0, 5, 30, "ping returned hunter22"});
  sink.emit_now(HookOutputEvent{"web", "the password is hunter22", 0});
  sink.emit_now(WarningEvent{"hunter22 warned"});
  sink.emit_now(TraceEvent{"engine: create {\"Env\":[\"P=hunter22\"]}"});
  CommandResult result;
  result.error = "on_start failed: hunter22";
  ServiceOutcome outcome;
  outcome.reason = "exited: hunter22";
  outcome.logs = "log line hunter22";
  outcome.cause = "hunter22";
  result.outcomes.push_back(outcome);
  sink.emit_now(SummaryEvent{result});
  sink.emit_now(OperationEvent{"start", "todo", {"web"}});

  const auto events = recorded.events();
  REQUIRE(events.size() == 8);
  CHECK(recorded.all<ServiceEvent>()[0].reason == "ping raised: wrong password ***");
  CHECK(recorded.all<ProgressEvent>()[0].progress.text == "Step 2/3 : RUN echo ***");
  CHECK(recorded.all<StillWaitingEvent>()[0].last_result == "ping returned ***");
  CHECK(recorded.all<HookOutputEvent>()[0].text == "the password is ***");
  CHECK(recorded.all<WarningEvent>()[0].text == "*** warned");
  CHECK(recorded.all<TraceEvent>()[0].text == "engine: create {\"Env\":[\"P=***\"]}");
  const auto summary = recorded.all<SummaryEvent>()[0].result;
  CHECK(summary.error == "on_start failed: ***");
  CHECK(summary.outcomes[0].reason == "exited: ***");
  CHECK(summary.outcomes[0].logs == "log line ***");
  CHECK(summary.outcomes[0].cause == "***");
  // The time of each event is kept.
  CHECK(events[0].time.time_since_epoch().count() > 0);
}

namespace {

struct Lines : LogSink {
  std::vector<std::string> texts;
  int idles = 0;
  void line(const std::string&, int, const LogLine& line) override { texts.push_back(line.text); }
  void idle() override { ++idles; }
};

}  // namespace

TEST_CASE("redacting log sink: container output is masked line by line") {
  SecretRedactor secrets;
  Lines lines;
  RedactingLogSink sink(lines, secrets);
  sink.line("web", 0, {LogLine::Stream::out, "", "before hunter22 is known"});
  secrets.add("hunter22");
  sink.line("web", 0, {LogLine::Stream::err, "", "connecting with hunter22"});
  sink.idle();
  // A secret masks the lines after it became known (a hook's boss.secret, say).
  CHECK(lines.texts == std::vector<std::string>{"before hunter22 is known", "connecting with ***"});
  CHECK(lines.idles == 1);
}
