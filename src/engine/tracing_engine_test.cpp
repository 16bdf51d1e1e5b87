#include "engine/tracing_engine.h"

#include <doctest/doctest.h>

#include <regex>

#include "core/cancel.h"
#include "core/errors.h"
#include "testing/stub_engine.h"

using namespace boss;

namespace {

// Answers the calls the tests make with fixed data; create_container fails for the
// name "taken".
class CannedEngine : public boss::testing::StubEngine {
 public:
  std::vector<std::string> calls;

  std::string endpoint() const override { return "unix:///canned.sock"; }
  std::vector<ContainerInfo> list_containers(const Labels&) override {
    calls.push_back("list_containers");
    return {ContainerInfo{}, ContainerInfo{}};
  }
  std::optional<ContainerState> inspect_container(const std::string&) override {
    calls.push_back("inspect_container");
    return std::nullopt;
  }
  std::string create_container(const ContainerSpec& spec) override {
    calls.push_back("create_container");
    if (spec.name == "taken") throw EngineError("create container taken: Conflict", 409);
    return "3f2a1b4c5d6e7f8091a2b3c4d5e6f708";
  }
  ExecResult exec(const std::string&, const std::vector<std::string>&, const Cancel&) override {
    calls.push_back("exec");
    return {3, "out"};
  }
  void pull_image(const std::string&, const RegistryAuth& auth, const ProgressFn& progress, const Cancel&) override {
    calls.push_back("pull_image " + auth.username);
    ImageProgress step;
    step.layer = "layer";
    step.status = "Pull complete";
    progress(step);
  }
};

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: tracing forwards calls and results") {
  CannedEngine inner;
  std::vector<std::string> lines;
  TracingEngine engine(inner, [&](const std::string& line) { lines.push_back(line); });

  ContainerSpec spec;
  spec.name = "todo-web";
  CHECK(engine.create_container(spec) == "3f2a1b4c5d6e7f8091a2b3c4d5e6f708");
  CHECK(engine.exec("3f2a1b4c5d6e7f80", {"echo", "hi"}, Cancel::never()).exit_code == 3);
  CHECK(engine.list_containers({{"boss.project", "todo"}}).size() == 2);
  CHECK_FALSE(engine.inspect_container("x"));
  std::vector<std::string> progress;
  engine.pull_image(
      "h:5000/app", RegistryAuth{"alice", "pa55word", ""}, [&](const ImageProgress& step) { progress.push_back(step.layer + ": " + step.status); },
      Cancel::never());
  CHECK(progress == std::vector<std::string>{"layer: Pull complete"});
  CHECK(engine.endpoint() == "unix:///canned.sock");

  CHECK(inner.calls == std::vector<std::string>{"create_container", "exec", "list_containers",
                                                "inspect_container", "pull_image alice"});
  REQUIRE(lines.size() == 5);
  CHECK(std::regex_match(lines[0],
                         std::regex(R"(engine: create_container todo-web -> 3f2a1b4c5d6e \(\d+ ms\))")));
  CHECK(std::regex_match(lines[1],
                         std::regex(R"(engine: exec 3f2a1b4c5d6e echo hi -> exit 3 \(\d+ ms\))")));
  CHECK(std::regex_match(
      lines[2], std::regex(R"(engine: list_containers boss.project=todo -> 2 containers \(\d+ ms\))")));
  CHECK(lines[3].find("-> not found") != std::string::npos);
  // Whether there were credentials, never which.
  CHECK(lines[4].rfind("engine: pull_image h:5000/app (with credentials) -> ok (", 0) == 0);
  for (const auto& line : lines) CHECK(line.find("pa55word") == std::string::npos);
  for (const auto& line : lines) CHECK(line.find("alice") == std::string::npos);
}

TEST_CASE("engine: tracing records failures and rethrows them") {
  CannedEngine inner;
  std::vector<std::string> lines;
  TracingEngine engine(inner, [&](const std::string& line) { lines.push_back(line); });
  ContainerSpec spec;
  spec.name = "taken";
  try {
    engine.create_container(spec);
    FAIL("the failure was swallowed");
  } catch (const EngineError& error) {
    CHECK(error.status() == 409);
  }
  REQUIRE(lines.size() == 1);
  CHECK(std::regex_match(
      lines[0],
      std::regex(R"(engine: create_container taken -> error: create container taken: Conflict \(\d+ ms\))")));
}

}  // TEST_SUITE
