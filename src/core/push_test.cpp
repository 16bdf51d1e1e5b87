#include "core/push.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/errors.h"
#include "core/runtime.h"
#include "testing/fake_engine.h"
#include "testing/fake_hooks.h"
#include "testing/recording_sink.h"
#include "testing/temp_path.h"

using namespace boss;
using boss::testing::FakeEngine;
using boss::testing::FakeHooks;
using boss::testing::RecordingSink;

namespace {

// Credentials by registry, counting the questions.
struct TableCredentials : CredentialSource {
  std::map<std::string, RegistryAuth> table;
  std::vector<std::string> asked;
  std::optional<RegistryAuth> find(const std::string& registry) override {
    asked.push_back(registry);
    const auto it = table.find(registry);
    if (it == table.end()) return std::nullopt;
    return it->second;
  }
};

ServiceSpec built(const std::string& name, const std::string& image) {
  ServiceSpec s;
  s.name = name;
  s.image = image;
  s.build_from_directory = "/src/" + name;
  s.defined_at = "services.lua:" + std::to_string(name.size());
  return s;
}

ServiceSpec pulled(const std::string& name, const std::string& image) {
  ServiceSpec s;
  s.name = name;
  s.image = image;
  return s;
}

struct Fixture {
  FakeEngine engine;
  FakeHooks hooks;
  ContextStore context;
  RecordingSink events;
  NoLocker locker;
  Cancel cancel;
  TableCredentials credentials;
  Project project;

  Fixture() {
    project.name = "demo";
    project.dir = boss::testing::unique_temp_path("boss-push-");
    project.file = project.dir / "services.lua";
  }
  ~Fixture() { std::filesystem::remove_all(project.dir); }
  CommandResult run(const std::function<CommandResult(Runtime&)>& operation) {
    Runtime runtime(project, engine, hooks, context, events, locker, cancel);
    runtime.set_credentials(&credentials);
    return operation(runtime);
  }
  CommandResult push(std::vector<std::string> services = {}) {
    return run([&](Runtime& r) { return r.push(PushRequest{std::move(services)}); });
  }
  std::string push_error(std::vector<std::string> services) {
    try {
      push(std::move(services));
    } catch (const DefinitionError& e) {
      return e.what();
    }
    return "(no error)";
  }
};

}  // namespace

TEST_CASE("push: builds a missing image, pushes it with its registry's credentials, reports each layer") {
  Fixture f;
  f.project.services = {built("web", "127.0.0.1:5000/web:1"), pulled("db", "busybox")};
  f.credentials.table["127.0.0.1:5000"] = {"alice", "pw", ""};
  f.engine.registry_credentials["127.0.0.1:5000"] = {"alice", "pw", ""};
  const auto result = f.push();
  CHECK(result.exit_code() == 0);
  CHECK(result.command == "push");
  REQUIRE(result.outcomes.size() == 1);  // db is not built: not pushed
  CHECK(result.outcomes[0].status == Phase::pushed);
  CHECK(result.outcomes[0].reason == "127.0.0.1:5000/web:1");
  CHECK(f.engine.mutations() == std::vector<std::string>{"build 127.0.0.1:5000/web:1", "push 127.0.0.1:5000/web:1 as alice"});
  CHECK(f.events.phases("web") == "building pushing pushed");
  const auto progress = f.events.all<ProgressEvent>();
  REQUIRE(progress.size() == 3);  // a build step, then the layer pushing and pushed
  CHECK(progress[1].progress.kind == ImageProgress::Kind::push);
  CHECK(progress[1].progress.status == "Pushing");
  CHECK(f.credentials.asked == std::vector<std::string>{"127.0.0.1:5000"});
}

TEST_CASE("push: an image already built is not built again; the service's own credentials win") {
  Fixture f;
  auto web = built("web", "reg.example.com/web:2");
  web.registry_auth = RegistryAuth{"svc-user", "svc-pw", ""};
  f.project.services = {web};
  f.engine.add_image("reg.example.com/web:2", "sha256:web");
  f.credentials.table["reg.example.com"] = {"cli-user", "cli-pw", ""};
  CHECK(f.push({"web"}).exit_code() == 0);
  CHECK(f.engine.mutations() == std::vector<std::string>{"push reg.example.com/web:2 as svc-user"});
  CHECK(f.credentials.asked.empty());
}

TEST_CASE("push: a refusal fails that service with one line naming the registry; the others go on") {
  Fixture f;
  f.project.services = {built("a", "127.0.0.1:5000/a:1"), built("b", "127.0.0.1:5001/b:1")};
  f.engine.registry_credentials["127.0.0.1:5000"] = {"alice", "right", ""};
  f.credentials.table["127.0.0.1:5000"] = {"alice", "wrong", ""};
  const auto result = f.push();
  CHECK(result.exit_code() == 1);
  CHECK(result.outcomes[0].status == Phase::failed);
  CHECK(result.outcomes[0].reason ==
        "push of 127.0.0.1:5000/a:1 failed: 127.0.0.1:5000: unauthorized (check the credentials for 127.0.0.1:5000)");
  CHECK(result.outcomes[1].status == Phase::pushed);
}

TEST_CASE("push: bad requests are one-line definition errors, before anything is touched") {
  Fixture f;
  f.project.services = {built("web", "127.0.0.1:5000/web:1"), pulled("db", "busybox"), built("local", "app:dev")};
  CHECK(f.push_error({"wbe"}) == "push: unknown service 'wbe' (did you mean 'web'?)");
  CHECK(f.push_error({"db"}) ==
        "push: service 'db' is not built from a directory (it runs image 'busybox'); boss pushes only the images it builds");
  CHECK(f.push_error({"local"}) ==
        "services.lua:5: service 'local': image 'app:dev' names no registry to push to (write it as host[:port]/name:tag)");
  f.project.services = {pulled("db", "busybox")};
  CHECK(f.push_error({}) == "push: no service is built from a directory, so there is nothing to push");
  CHECK(f.engine.mutations().empty());
}

TEST_CASE("start: a pull sends the service's credentials, else its registry's from the source") {
  Fixture f;
  auto own = pulled("own", "127.0.0.1:5000/own:1");
  own.registry_auth = RegistryAuth{"svc-user", "svc-pw", ""};
  f.project.services = {own, pulled("cli", "127.0.0.1:5000/cli:1"), pulled("anon", "other.example.com/x:1")};
  f.credentials.table["127.0.0.1:5000"] = {"cli-user", "cli-pw", ""};
  for (const auto& s : f.project.services) f.engine.add_pullable(s.image, "sha256:" + s.name);
  const auto result = f.run([](Runtime& r) { return r.start(StartRequest{}); });
  CHECK(result.exit_code() == 0);
  const auto m = f.engine.mutations();
  CHECK(std::count(m.begin(), m.end(), "pull 127.0.0.1:5000/own:1 as svc-user") == 1);
  CHECK(std::count(m.begin(), m.end(), "pull 127.0.0.1:5000/cli:1 as cli-user") == 1);
  CHECK(std::count(m.begin(), m.end(), "pull other.example.com/x:1") == 1);
}
