#include "core/launch.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "testing/runtime_fixture.h"

using namespace boss;
using namespace boss::testing;

namespace {

ServiceSpec template_of(const std::string& name, LaunchInput input, std::vector<std::string> deps = {}) {
  ServiceSpec t = svc(name, std::move(deps));
  t.is_template = true;
  t.input = input;
  t.has_ping = true;
  return t;
}

struct LaunchFixture : Fixture {
  std::vector<std::pair<std::string, std::string>> tars;  // name, bytes asked for
  std::optional<Runtime> base;
  Launcher launcher() {
    base.emplace(project, engine, hooks, context, events, locker, *cancel);
    return Launcher(*base,
                    [this](const std::string& name, const std::string& bytes) {
                      tars.emplace_back(name, bytes);
                      return "TAR:" + bytes;
                    },
                    [](const std::string& name, const std::string&) { return "http://gw:1/_boss/inputs/" + name + "?token=t"; });
  }
  std::string env_of(const std::string& container, const std::string& key) {
    const auto c = engine.container_named(container);
    REQUIRE(c);
    const auto it = c->spec.env.find(key);
    return it == c->spec.env.end() ? "(unset)" : it->second;
  }
};

int status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const LaunchError& e) {
    return e.status();
  }
  return 0;
}

}  // namespace

TEST_CASE("launch: names, labels, dependencies first, the template's hooks") {
  LaunchFixture f;
  f.project.services = {svc("db")};
  f.project.templates = {template_of("viz", LaunchInput::env, {"db"})};
  LaunchRequest request;
  request.template_name = "viz";
  request.id = "one";
  request.input = R"({"a":{"b":1}})";
  const Launched launched = f.launcher().launch(request);
  CHECK(launched.name == "viz-one");
  CHECK(launched.container == "demo-viz-one");
  const auto c = f.engine.container_named("demo-viz-one");
  REQUIRE(c);
  CHECK(c->info.state == "running");
  CHECK(c->spec.labels.at(kLabelTemplate) == "viz");
  CHECK(c->spec.labels.at(kLabelService) == "viz-one");
  CHECK(f.env_of("demo-viz-one", "INPUT_JSON") == R"({"a":{"b":1}})");  // braces are no {key}
  CHECK(f.engine.container_named("demo-db"));
  const auto calls = f.hooks.calls();
  CHECK(std::find(calls.begin(), calls.end(), "viz.ping") != calls.end());  // under the template's name
  // A start of all never touches it, and does not call it an orphan; status shows it.
  CHECK(f.start().exit_code() == 0);
  CHECK(f.engine.container_named("demo-viz-one")->info.state == "running");
  const auto status = f.runtime().status();
  const auto row = std::find_if(status.rows.begin(), status.rows.end(), [](const StatusRow& r) { return r.service == "viz-one"; });
  REQUIRE(row != status.rows.end());
  CHECK(row->launched_from == "viz");
  CHECK_FALSE(row->orphan);
  // The same name again: 409; a random one: another container.
  CHECK(status_of([&] { f.launcher().launch(request); }) == 409);
  request.id = "";
  const Launched other = f.launcher().launch(request);
  CHECK(other.name.size() == std::string("viz-").size() + 6);
  // A full stop removes both.
  CHECK(f.stop().exit_code() == 0);
  CHECK_FALSE(f.engine.container_named("demo-viz-one"));
  CHECK_FALSE(f.engine.container_named(other.container));
}

TEST_CASE("launch: file input is put in the created container before it starts; url input is an address") {
  LaunchFixture f;
  f.project.services = {svc("db")};
  f.project.templates = {template_of("viz", LaunchInput::file), template_of("feed", LaunchInput::url)};
  LaunchRequest request;
  request.template_name = "viz";
  request.id = "f1";
  request.input = R"({"x":2})";
  f.launcher().launch(request);
  REQUIRE(f.tars.size() == 1);
  CHECK(f.tars[0] == std::pair<std::string, std::string>{"input.json", R"({"x":2})"});
  REQUIRE(f.engine.archives.size() == 1);
  CHECK(f.engine.archives[0] == R"(TAR:{"x":2})");
  const auto mutations = f.engine.mutations();
  const auto put = std::find_if(mutations.begin(), mutations.end(), [](const std::string& m) { return m.rfind("put_archive", 0) == 0; });
  const auto start = std::find(mutations.begin(), mutations.end(), "start demo-viz-f1");
  REQUIRE(put != mutations.end());
  REQUIRE(start != mutations.end());
  CHECK(put < start);
  request.template_name = "feed";
  f.launcher().launch(request);
  CHECK(f.env_of("demo-feed-f1", "INPUT_JSON_URL") == "http://gw:1/_boss/inputs/feed-f1?token=t");
  CHECK(f.env_of("demo-feed-f1", "INPUT_JSON") == "(unset)");
}

TEST_CASE("launch: refusals") {
  LaunchFixture f;
  f.project.services = {svc("db")};
  f.project.templates = {template_of("viz", LaunchInput::env)};
  LaunchRequest request;
  request.template_name = "vis";
  CHECK(status_of([&] { f.launcher().launch(request); }) == 404);
  request.template_name = "viz";
  request.id = "Bad_Name";
  CHECK(status_of([&] { f.launcher().launch(request); }) == 400);
  request.id = "big";
  request.input = std::string(kMaxEnvInput + 1, 'x');
  CHECK(status_of([&] { f.launcher().launch(request); }) == 413);
  CHECK(f.engine.mutations().empty());
  CHECK(launch_id_problem("viz", "ok-1").empty());
  CHECK(launch_id_problem("viz", "") == "name '' must be 1 to 20 characters");
  CHECK(launch_id_problem("viz", "-a") == "name '-a' must start with a lowercase letter or a digit");
  // remove: unknown 404, a service 403, a launched one removed.
  f.start();
  CHECK(status_of([&] { f.launcher().remove("nope"); }) == 404);
  CHECK(status_of([&] { f.launcher().remove("db"); }) == 403);
  request.input = "{}";
  f.launcher().launch(request);
  CHECK(f.launcher().remove("viz-big") == "viz");
  CHECK_FALSE(f.engine.container_named("demo-viz-big"));
  // A failed start is 502 with the reason.
  f.engine.fail_create.insert("busybox");
  request.id = "broken";
  CHECK(status_of([&] { f.launcher().launch(request); }) == 502);
}
