#include "core/plan.h"

#include <doctest/doctest.h>

#include "testing/fake_engine.h"

using namespace boss;

namespace {

ServiceSpec svc(const std::string& name, std::map<std::string, std::string> env = {}) {
  ServiceSpec s;
  s.name = name;
  s.image = "busybox";
  s.env = std::move(env);
  return s;
}

ContainerInfo container(const std::string& id, const std::string& state, const DesiredConfig& config) {
  ContainerInfo c;
  c.id = id;
  c.state = state;
  c.labels = {{kLabelConfigHash, config.hash()}, {kLabelConfig, config.canonical()}};
  return c;
}

}  // namespace

TEST_CASE("plan: no container means create") {
  const auto s = svc("web");
  const auto d = decide(s, {}, desired_config(s, "sha256:1", {}), "", false, "");
  CHECK(d.kind == ActionKind::create);
  CHECK(d.reason == "no container");
}

TEST_CASE("plan: running and unchanged is kept; stopped and unchanged is started") {
  const auto s = svc("web", {{"A", "1"}});
  const auto config = desired_config(s, "sha256:1", {});
  auto d = decide(s, {container("c1", "running", config)}, config, "", false, "");
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.reason == "running, unchanged");
  CHECK(d.remove.empty());
  d = decide(s, {container("c1", "exited", config)}, config, "", false, "");
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "exited, unchanged");
  CHECK(d.container_id == "c1");
}

TEST_CASE("plan: a change is explained field by field") {
  auto old_spec = svc("web", {{"USER_ID", "1"}, {"GONE", "x"}});
  const auto old_config = desired_config(old_spec, "sha256:1", {});
  auto new_spec = svc("web", {{"USER_ID", "{user_id}"}, {"NEW", "y"}});
  new_spec.ports.push_back({80, "tcp", 8080});
  const auto config = desired_config(new_spec, "sha256:2", {{"user_id", "2"}});
  const auto d = decide(new_spec, {container("c1", "running", old_config)}, config, "", false, "");
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "image updated, env GONE removed, env NEW added, env USER_ID changed, ports changed");
  CHECK(d.remove == std::vector<std::string>{"c1"});
}

TEST_CASE("plan: every hashed field is detected") {
  const auto base = svc("web");
  const auto old_config = desired_config(base, "sha256:1", {});
  auto check_change = [&](ServiceSpec changed, const std::string& expected) {
    const auto d = decide(changed, {container("c1", "running", old_config)},
                          desired_config(changed, "sha256:1", {}), "", false, "");
    CHECK(d.kind == ActionKind::recreate);
    CHECK(d.reason == expected);
  };
  auto s = base; s.cmd = std::vector<std::string>{"sleep", "1"}; check_change(s, "cmd changed");
  s = base; s.entrypoint = std::vector<std::string>{"/bin/sh"}; check_change(s, "entrypoint changed");
  s = base; s.user = "nobody"; check_change(s, "user changed");
  s = base; s.stop_signal = "SIGINT"; check_change(s, "stop_signal changed");
  s = base; s.volumes.push_back({"/data", "/data", "ro", false}); check_change(s, "volumes changed");
  s = base; s.image = "other"; check_change(s, "image changed");
}

TEST_CASE("plan: duplicates and stale containers are removed, the matching one reused") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  auto stale = svc("web", {{"A", "old"}});
  const auto d = decide(s,
                        {container("old", "exited", desired_config(stale, "sha256:1", {})),
                         container("stopped", "exited", config), container("live", "running", config)},
                        config, "", false, "");
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.container_id == "live");
  CHECK(d.remove == std::vector<std::string>{"old", "stopped"});
}

TEST_CASE("plan: always_start_new and reload force a new container") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  const auto d = decide(s, {container("c1", "running", config)}, config, "", true, "always_start_new");
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "always_start_new");
  CHECK(decide(s, {}, config, "", true, "reload").kind == ActionKind::create);
}

TEST_CASE("plan: a container without boss.config is replaced with a clear reason") {
  const auto s = svc("web");
  ContainerInfo foreign;
  foreign.id = "c9";
  foreign.state = "running";
  const auto d = decide(s, {foreign}, desired_config(s, "sha256:1", {}), "", false, "");
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "configuration unknown");
}

TEST_CASE("plan: whole plan against a fake engine renders as text") {
  testing::FakeEngine engine;
  engine.add_image("busybox", "sha256:1");
  Project p;
  p.name = "demo";
  p.services = {svc("db"), svc("web", {{"USER_ID", "{user_id}"}}), svc("new")};
  p.services[1].dependencies = {"db"};
  p.services[2].image = "missing:1";
  // db: running and unchanged, left by an earlier run.
  ContainerSpec db;
  db.name = "demo-db";
  db.image = "busybox";
  const auto db_config = desired_config(p.services[0], "sha256:1", {});
  db.labels = {{kLabelProject, "demo"}, {kLabelService, "db"}, {kLabelConfigHash, db_config.hash()},
               {kLabelConfig, db_config.canonical()}};
  engine.add_container(db, "running");
  ContainerSpec web = db;
  web.name = "demo-web";
  web.labels[kLabelService] = "web";
  engine.add_container(web, "exited");
  const auto observed = observe(engine, p);
  CHECK(observed.containers.at("db").size() == 1);
  const auto plan = plan_start(p, {"db", "web", "new"}, observed, {});
  CHECK(render_plan(plan) ==
        "keep             db   running, unchanged\n"
        "decide at start  web  context key 'user_id' (env USER_ID) not set yet\n"
        "create           new  no container (will pull missing:1)\n");
  CHECK(engine.mutations().empty());
}
