#include "core/one_off_run.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "core/errors.h"
#include "testing/fake_engine.h"
#include "testing/recording_sink.h"

using namespace boss;
using boss::testing::FakeEngine;
using boss::testing::RecordingSink;
using boss::testing::ScriptedProcess;

namespace {

struct Fixture {
  Project project;
  FakeEngine engine;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("boss-one-off-" + random_suffix());
  ContextStore context{dir / "context.json"};
  RecordingSink events;
  std::vector<std::string> outputs;  // what each session read

  Fixture() {
    project.name = "todo";
    ServiceSpec web;
    web.name = "web";
    web.image = "todo:dev";
    web.env = {{"USER_ID", "{user_id}"}};
    project.services = {web};
    engine.add_pullable("todo:dev", "sha256:web");
    context.set("user_id", 7.0, "db");
    context.save_if_dirty();
    engine.attached_handler = [](const FakeEngine::Container& c, const std::vector<std::string>&) {
      return ScriptedProcess{"out of " + c.info.name.substr(0, 12), "", 3, false};
    };
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  int run(const RunRequest& request) {
    return run_one_off(
        engine, project, context, events, request,
        [&](AttachedStreams& streams, const std::string& id) {
          CHECK(engine.inspect_container(id)->running);  // attached, then started
          std::string output;
          while (streams.read([&](LogLine::Stream, std::string_view bytes) { output += bytes; })) {
          }
          outputs.push_back(output);
        },
        Cancel::never());
  }
};

}  // namespace

TEST_CASE("one-off run: network and image first, attached before start, exit code, removed after") {
  Fixture f;
  RunRequest request;
  request.service = "web";
  request.options.cmd = std::vector<std::string>{"migrate"};
  CHECK(f.run(request) == 3);
  CHECK(f.outputs == std::vector<std::string>{"out of todo-web-run"});
  const auto mutations = f.engine.mutations();
  REQUIRE(mutations.size() == 5);
  CHECK(mutations[0] == "create_network boss-todo");
  CHECK(mutations[1] == "pull todo:dev");
  CHECK(mutations[2].rfind("create todo-web-run-", 0) == 0);
  CHECK(mutations[3].rfind("start todo-web-run-", 0) == 0);
  CHECK(mutations[4].rfind("remove todo-web-run-", 0) == 0);
  CHECK(f.engine.containers().empty());
}

TEST_CASE("one-off run: --keep leaves the container, with the filled env and the command") {
  Fixture f;
  f.engine.add_image("todo:dev", "sha256:web");
  RunRequest request;
  request.service = "web";
  request.keep = true;
  request.options.cmd = std::vector<std::string>{"migrate"};
  request.options.env = {{"EXTRA", "1"}};
  CHECK(f.run(request) == 3);
  const auto containers = f.engine.containers();
  REQUIRE(containers.size() == 1);
  const ContainerSpec& spec = containers[0].spec;
  CHECK(spec.env == std::map<std::string, std::string>{{"USER_ID", "7"}, {"EXTRA", "1"}});
  CHECK(spec.cmd == std::vector<std::string>{"migrate"});
  CHECK(is_one_off(spec.labels));
}

TEST_CASE("one-off run: an unknown service or an unset context key touches nothing") {
  Fixture f;
  RunRequest request;
  request.service = "wbe";
  CHECK_THROWS_WITH_AS(f.run(request), "run: unknown service 'wbe' (did you mean 'web'?)", DefinitionError);
  CHECK(f.engine.mutations().empty());

  f.context.erase("user_id");
  f.context.save_if_dirty();
  request.service = "web";
  CHECK_THROWS_WITH_AS(f.run(request),
                       doctest::Contains("run: service 'web': context key 'user_id' is not set (used in env USER_ID)"),
                       FatalError);
  CHECK(f.engine.mutations().empty());
}

TEST_CASE("one-off run: a failure after create removes the container") {
  Fixture f;
  f.engine.add_image("todo:dev", "sha256:web");
  RunRequest request;
  request.service = "web";
  CHECK_THROWS_AS(run_one_off(
                      f.engine, f.project, f.context, f.events, request,
                      [](AttachedStreams&, const std::string&) { throw Interrupted("interrupted"); },
                      Cancel::never()),
                  Interrupted);
  CHECK(f.engine.containers().empty());
}
