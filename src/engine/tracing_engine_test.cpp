#include "engine/tracing_engine.h"

#include <doctest/doctest.h>

#include <regex>

#include "core/errors.h"

using namespace boss;

namespace {

// Answers every call with fixed data; create_container fails for the name "taken".
class CannedEngine : public Engine {
 public:
  std::vector<std::string> calls;

  std::string endpoint() const override { return "unix:///canned.sock"; }
  void ping() override { calls.push_back("ping"); }
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
  void start_container(const std::string&) override { calls.push_back("start_container"); }
  void stop_container(const std::string&, int) override { calls.push_back("stop_container"); }
  void remove_container(const std::string&) override { calls.push_back("remove_container"); }
  std::string logs_tail(const std::string&, int) override {
    calls.push_back("logs_tail");
    return "abc";
  }
  ExecResult exec(const std::string&, const std::vector<std::string>&) override {
    calls.push_back("exec");
    return {3, "out"};
  }
  std::optional<ImageInfo> inspect_image(const std::string&) override {
    calls.push_back("inspect_image");
    return ImageInfo{"sha256:0123456789abcdef0123"};
  }
  void pull_image(const std::string&, const ProgressFn& progress) override {
    calls.push_back("pull_image");
    progress("layer: Pull complete");
  }
  void build_image(const std::string&, const std::string&, const std::string&, const Labels&,
                   const ProgressFn&) override {
    calls.push_back("build_image");
  }
  std::vector<NetworkInfo> list_networks(const Labels&) override {
    calls.push_back("list_networks");
    return {NetworkInfo{}};
  }
  std::string create_network(const std::string&, const Labels&) override {
    calls.push_back("create_network");
    return "net1";
  }
  void remove_network(const std::string&) override { calls.push_back("remove_network"); }
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
  CHECK(engine.exec("3f2a1b4c5d6e7f80", {"echo", "hi"}).exit_code == 3);
  CHECK(engine.list_containers({{"boss.project", "todo"}}).size() == 2);
  CHECK_FALSE(engine.inspect_container("x"));
  std::vector<std::string> progress;
  engine.pull_image("busybox", [&](const std::string& line) { progress.push_back(line); });
  CHECK(progress == std::vector<std::string>{"layer: Pull complete"});
  CHECK(engine.endpoint() == "unix:///canned.sock");

  CHECK(inner.calls == std::vector<std::string>{"create_container", "exec", "list_containers",
                                                "inspect_container", "pull_image"});
  REQUIRE(lines.size() == 5);
  CHECK(std::regex_match(lines[0],
                         std::regex(R"(engine: create_container todo-web -> 3f2a1b4c5d6e \(\d+ ms\))")));
  CHECK(std::regex_match(lines[1],
                         std::regex(R"(engine: exec 3f2a1b4c5d6e echo hi -> exit 3 \(\d+ ms\))")));
  CHECK(std::regex_match(
      lines[2], std::regex(R"(engine: list_containers boss.project=todo -> 2 containers \(\d+ ms\))")));
  CHECK(lines[3].find("-> not found") != std::string::npos);
  CHECK(lines[4].rfind("engine: pull_image busybox -> ok (", 0) == 0);
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
