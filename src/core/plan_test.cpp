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

Decision decide_for(const ServiceSpec& spec, const std::vector<ContainerInfo>& existing,
                    std::optional<DesiredConfig> desired, const std::string& forced = "") {
  return decide({spec, existing, std::move(desired), "", forced, std::nullopt});
}

}  // namespace

TEST_CASE("plan: no container means create") {
  const auto s = svc("web");
  const auto d = decide_for(s, {}, desired_config(s, "sha256:1", {}));
  CHECK(d.kind == ActionKind::create);
  CHECK(d.reason == "no container");
}

TEST_CASE("plan: running and unchanged is kept; stopped and unchanged is started") {
  const auto s = svc("web", {{"A", "1"}});
  const auto config = desired_config(s, "sha256:1", {});
  auto d = decide_for(s, {container("c1", "running", config)}, config);
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.reason == "running, unchanged");
  CHECK(d.remove.empty());
  d = decide_for(s, {container("c1", "exited", config)}, config);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "exited, unchanged");
  CHECK(d.container_id == "c1");
}

TEST_CASE("plan: a container made but never started, unknown to the journal, is replaced when it has start hooks") {
  auto s = svc("db");
  const auto config = desired_config(s, "sha256:1", {});
  // No hooks: starting it is all that is left to do.
  auto d = decide_for(s, {container("c1", "created", config)}, config);
  CHECK(d.kind == ActionKind::start);
  // A post_start that never ran (the engine made it, then died before boss heard back).
  s.has_post_start = true;
  d = decide_for(s, {container("c1", "created", config)}, config);
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "created but never started");
  CHECK(d.remove == std::vector<std::string>{"c1"});
  // Stopped after it ran: its hooks ran then; it is only started again.
  d = decide_for(s, {container("c1", "exited", config)}, config);
  CHECK(d.kind == ActionKind::start);
}

TEST_CASE("plan: a change is explained field by field") {
  auto old_spec = svc("web", {{"USER_ID", "1"}, {"GONE", "x"}});
  const auto old_config = desired_config(old_spec, "sha256:1", {});
  auto new_spec = svc("web", {{"USER_ID", "{user_id}"}, {"NEW", "y"}});
  new_spec.ports.push_back({80, "tcp", 8080});
  const auto config = desired_config(new_spec, "sha256:2", {{"user_id", "2"}});
  const auto d = decide_for(new_spec, {container("c1", "running", old_config)}, config);
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "image updated, env GONE removed, env NEW added, env USER_ID changed, ports changed");
  CHECK(d.remove == std::vector<std::string>{"c1"});
}

TEST_CASE("plan: every hashed field is detected") {
  const auto base = svc("web");
  const auto old_config = desired_config(base, "sha256:1", {});
  auto check_change = [&](ServiceSpec changed, const std::string& expected) {
    const auto d = decide_for(changed, {container("c1", "running", old_config)},
                          desired_config(changed, "sha256:1", {}));
    CHECK(d.kind == ActionKind::recreate);
    CHECK(d.reason == expected);
  };
  auto s = base; s.cmd = std::vector<std::string>{"sleep", "1"}; check_change(s, "cmd changed");
  s = base; s.entrypoint = std::vector<std::string>{"/bin/sh"}; check_change(s, "entrypoint changed");
  s = base; s.user = "nobody"; check_change(s, "user changed");
  s = base; s.stop_signal = "SIGINT"; check_change(s, "stop_signal changed");
  s = base; s.volumes.push_back({"/data", "/data", "ro", false, ""}); check_change(s, "volumes changed");
  s = base; s.image = "other"; check_change(s, "image changed");
  s = base; s.restart = "always"; check_change(s, "restart changed");
  s = base; s.restart = "on-failure:2"; check_change(s, "restart changed");
  s = base; s.stop_timeout = 3; check_change(s, "stop_timeout changed");
  s = base; s.healthcheck = disabled_healthcheck(); check_change(s, "healthcheck changed");
  s = base; s.working_dir = "/app"; check_change(s, "working_dir changed");
  s = base; s.init = true; check_change(s, "init changed");
  s = base; s.labels = {{"team", "web"}}; check_change(s, "labels changed");
  CHECK_FALSE(old_config.to_json().contains("working_dir"));
  CHECK_FALSE(old_config.to_json().contains("init"));
  CHECK_FALSE(old_config.to_json().contains("labels"));
  // Unset, they are not in the hashed JSON: containers made before they existed are kept.
  CHECK_FALSE(old_config.to_json().contains("healthcheck"));
  CHECK_FALSE(old_config.to_json().contains("stop_timeout"));
  s = base; s.healthcheck = HealthCheck{{"CMD", "true"}};
  auto other = s;
  other.healthcheck->interval = 2;
  CHECK(desired_config(s, "sha256:1", {}).hash() != desired_config(other, "sha256:1", {}).hash());
}

TEST_CASE("plan: restart restarts what runs, starts what is stopped, and has nothing to restart without a container") {
  Project project;
  project.name = "demo";
  project.services = {svc("db"), svc("web"), svc("new")};
  const auto config = desired_config(project.services[0], "sha256:1", {});
  Observed observed;
  observed.containers["db"] = {container("c1", "running", config)};
  observed.containers["web"] = {container("c2", "exited", config)};
  const auto plan = plan_restart(project, {"db", "web", "new"}, observed);
  CHECK(plan.command == "restart");
  REQUIRE(plan.services.size() == 3);
  CHECK(plan.services[0].kind == ActionKind::restart);
  CHECK(steps_for(plan.services[0], project.services[0]) ==
        std::vector<Step>{{StepKind::stop, "c1"}, {StepKind::start, "c1"}, {StepKind::wait_ready, "c1"}});
  CHECK(plan.services[1].kind == ActionKind::start);
  CHECK(plan.services[1].reason == "was exited");
  CHECK(steps_for(plan.services[1], project.services[1]) ==
        std::vector<Step>{{StepKind::start, "c2"}, {StepKind::wait_ready, "c2"}});
  CHECK(plan.services[2].kind == ActionKind::none);
}

TEST_CASE("plan: a definition without the newer fields keeps the hash it always had") {
  auto s = svc("web", {{"A", "1"}});
  s.ports = {{80, "tcp", 8080}};
  CHECK(desired_config(s, "sha256:1", {}).canonical() ==
        R"({"cmd":null,"entrypoint":null,"env":{"A":"1"},"image":"busybox","image_id":"sha256:1",)"
        R"("ports":["80/tcp=8080"],"stop_signal":"","user":"","volumes":[]})");
  const auto old_config = desired_config(s, "sha256:1", {});
  s.ports[0].host_ip = "127.0.0.1";
  const auto bound = desired_config(s, "sha256:1", {});
  CHECK(bound.to_json()["ports"] == nlohmann::json::array({"80/tcp=127.0.0.1:8080"}));
  CHECK(decide_for(s, {container("c1", "running", old_config)}, bound).reason == "ports changed");
}

TEST_CASE("plan: restart = \"no\" is the same as no restart field") {
  auto no = svc("web");
  no.restart = "no";
  const auto config = desired_config(svc("web"), "sha256:1", {});
  CHECK(desired_config(no, "sha256:1", {}).hash() == config.hash());
  CHECK(decide_for(no, {container("c1", "running", config)}, desired_config(no, "sha256:1", {})).kind ==
        ActionKind::keep);
  auto always = svc("web");
  always.restart = "always";
  const auto with_policy = desired_config(always, "sha256:1", {});
  CHECK(with_policy.restart == "always");
  CHECK(decide_for(svc("web"), {container("c1", "running", with_policy)}, config).reason == "restart changed");
}

TEST_CASE("plan: duplicates and stale containers are removed, the matching one reused") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  auto stale = svc("web", {{"A", "old"}});
  const auto d = decide_for(s,
                        {container("old", "exited", desired_config(stale, "sha256:1", {})),
                         container("stopped", "exited", config), container("live", "running", config)},
                        config);
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.container_id == "live");
  CHECK(d.remove == std::vector<std::string>{"old", "stopped"});
}

TEST_CASE("plan: always_start_new and reload force a new container") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  const auto d = decide_for(s, {container("c1", "running", config)}, config, "always_start_new");
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "always_start_new");
  CHECK(decide_for(s, {}, config, "reload").kind == ActionKind::create);
}

TEST_CASE("plan: a container without boss.config is replaced with a clear reason") {
  const auto s = svc("web");
  ContainerInfo foreign;
  foreign.id = "c9";
  foreign.state = "running";
  const auto d = decide_for(s, {foreign}, desired_config(s, "sha256:1", {}));
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.reason == "configuration unknown");
}

TEST_CASE("plan: a whole start plan against a fake engine, touching nothing") {
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
  CHECK_FALSE(observed.network_present());
  const std::vector<std::string> order{"db", "web", "new"};
  const std::map<std::string, std::string> context;
  const auto plan = plan_start({p, order, observed, context, [](const std::string& key) {
                                  return key == "user_id" ? std::optional<std::string>("db") : std::nullopt;
                                }, {}, {}, {}, {}});
  CHECK(plan.create_network);
  REQUIRE(plan.services.size() == 3);
  CHECK(plan.services[0].kind == ActionKind::keep);
  CHECK(plan.services[0].reason == "running, unchanged");
  CHECK(plan.services[1].kind == ActionKind::undecided);
  CHECK(plan.services[1].reason ==
        "context key 'user_id' is not set (used in env USER_ID); it is set by db's hooks, which run only when db "
        "gets a new container: run `boss reload db`");
  CHECK(plan.services[2].kind == ActionKind::create);
  CHECK(plan.services[2].image == Decision::Image::pull);
  CHECK(engine.mutations().empty());
}

TEST_CASE("plan: a stop plan stops what runs and, with remove, removes every container") {
  testing::FakeEngine engine;
  engine.add_image("busybox", "sha256:1");
  Project p;
  p.name = "demo";
  p.services = {svc("db"), svc("web"), svc("gone")};
  ContainerSpec c;
  c.image = "busybox";
  c.name = "demo-db";
  c.labels = {{kLabelProject, "demo"}, {kLabelService, "db"}};
  const auto db = engine.add_container(c, "running");
  c.name = "demo-web";
  c.labels[kLabelService] = "web";
  const auto web = engine.add_container(c, "exited");
  c.name = "demo-old";
  c.labels[kLabelService] = "old";
  engine.add_container(c, "exited");
  engine.create_network("boss-demo", {{kLabelProject, "demo"}});
  const auto observed = observe(engine, p, false);
  auto plan = plan_stop(p, {"web", "db", "gone"}, observed, false, true);
  CHECK(plan.services[0].kind == ActionKind::none);
  CHECK(plan.services[0].reason == "not running");
  CHECK(plan.services[1].kind == ActionKind::stop);
  CHECK(plan.services[1].stop == std::vector<std::string>{db});
  CHECK(plan.services[2].reason == "no container");
  CHECK(plan.remove_networks.empty());
  plan = plan_stop(p, {"web", "db", "gone"}, observed, true, true);
  CHECK(plan.services[0].kind == ActionKind::remove);
  CHECK(plan.services[0].remove == std::vector<std::string>{web});
  CHECK(plan.remove_orphans == std::vector<std::string>{"demo-old"});
  CHECK(plan.remove_networks == std::vector<std::string>{"boss-demo"});
  CHECK(plan.remove_state);
  CHECK(plan_stop(p, {"db"}, observed, true, false).remove_networks.empty());
}

TEST_CASE("plan: each decision becomes its steps, in order") {
  auto s = svc("web");
  Decision d;
  d.kind = ActionKind::keep;
  d.remove = {"stale"};
  CHECK(steps_for(d, s) == std::vector<Step>{{StepKind::remove_old, "stale"}});
  d = Decision{};
  d.kind = ActionKind::start;
  d.container_id = "c1";
  CHECK(steps_for(d, s) == std::vector<Step>{{StepKind::start, "c1"}, {StepKind::wait_ready, "c1"}});
  s.has_pre_start = s.has_post_start = true;
  d = Decision{};
  d.kind = ActionKind::recreate;
  d.remove = {"old"};
  CHECK(steps_for(d, s) == std::vector<Step>{{StepKind::pre_start, ""},
                                             {StepKind::remove_old, "old"},
                                             {StepKind::create, ""},
                                             {StepKind::start, ""},
                                             {StepKind::wait_ready, ""},
                                             {StepKind::post_start, ""}});
  d = Decision{};
  d.kind = ActionKind::remove;
  d.stop = {"a"};
  d.remove = {"a", "b"};
  CHECK(steps_for(d, s) ==
        std::vector<Step>{{StepKind::stop, "a"}, {StepKind::remove, "a"}, {StepKind::remove, "b"}});
}

TEST_CASE("plan: a lost network forces stopped containers to be replaced, not running ones") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  CHECK(forced_replacement(s, false, false, {container("c1", "exited", config)}) == "project network was gone");
  CHECK(forced_replacement(s, false, false, {container("c1", "running", config)}).empty());
  CHECK(forced_replacement(s, true, true, {}) == "reload");
}

TEST_CASE("plan: a container on another engine than the service's is replaced; one from a single engine is not judged") {
  auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  auto c = container("c1", "running", config);
  CHECK(forced_replacement(s, false, true, {c}).empty());  // a single engine says nothing of where
  c.engine = "";
  CHECK(forced_replacement(s, false, true, {c}).empty());
  s.engine = "edge";
  CHECK(forced_replacement(s, false, true, {c}) == "moved from the usual engine to engine 'edge'");
  c.engine = "edge";
  CHECK(forced_replacement(s, false, true, {c}).empty());
  c.engine = "two";
  CHECK(forced_replacement(s, false, true, {c}) == "moved from engine 'two' to engine 'edge'");
}

namespace {

ServiceSpec job(const std::string& name) {
  ServiceSpec s = svc(name);
  s.is_job = true;
  s.job.success_exit_codes = {4};
  return s;
}

ContainerInfo exited(const std::string& id, int code, const DesiredConfig& config) {
  ContainerInfo c = container(id, "exited", config);
  c.exit_code = code;
  return c;
}

}  // namespace

TEST_CASE("plan: a job that exited with success for the same definition is done, kept") {
  const auto s = job("migrate");
  const auto config = desired_config(s, "sha256:1", {});
  auto d = decide_for(s, {exited("c1", 0, config)}, config);
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.reason == "done: exited 0 last time, unchanged");
  CHECK(d.container_id == "c1");
  d = decide_for(s, {exited("c1", 4, config)}, config);  // a success exit code
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.reason == "done: exited 4 last time, unchanged");
}

TEST_CASE("plan: a job runs again after a failure, a change, an unfinished start, or when rerun") {
  const auto s = job("migrate");
  const auto config = desired_config(s, "sha256:1", {});
  auto d = decide_for(s, {exited("c1", 3, config)}, config);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "exited 3 last time: running it again");

  auto changed = s;
  changed.env["A"] = "2";
  d = decide_for(changed, {exited("c1", 0, config)}, desired_config(changed, "sha256:1", {}));
  CHECK(d.kind == ActionKind::recreate);

  DecideInput pending{s, {exited("c1", 0, config)}, config, "", "", PendingStart{"c1", "ping"}};
  d = decide(pending);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "its last run did not finish: running it again");

  DecideInput rerun{s, {exited("c1", 0, config)}, config, "", "", std::nullopt};
  rerun.rerun = true;
  d = decide(rerun);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "exited, unchanged: running it anew");

  // Without an exit code (not inspected, never run): not known to be done.
  d = decide_for(s, {container("c1", "created", config)}, config);
  CHECK(d.kind == ActionKind::start);
}

TEST_CASE("plan: a job's did_run decides instead of its last exit") {
  auto s = job("migrate");
  s.has_did_run = true;
  const auto config = desired_config(s, "sha256:1", {});
  DecideInput in{s, {exited("c1", 0, config)}, config, "", "", std::nullopt};
  auto d = decide(in);  // not asked yet (a plan): it is not judged by its exit
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "did_run decides when its turn comes");
  in.did_run = false;
  d = decide(in);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.reason == "did_run returned false: running it again");
  const std::vector<ContainerInfo> none;
  DecideInput fresh{s, none, config, "", "", std::nullopt};
  fresh.did_run = true;
  d = decide(fresh);  // true even without a container: done, nothing made
  CHECK(d.kind == ActionKind::keep);
  CHECK(d.reason == "did_run returned true");
  CHECK(d.container_id.empty());
  CHECK(steps_for(d, s).empty());
  fresh.rerun = true;  // run-jobs runs it whatever did_run would say
  d = decide(fresh);
  CHECK(d.kind == ActionKind::create);
}

TEST_CASE("plan: observe inspects the exited containers of jobs for their exit code, not those of services") {
  boss::testing::FakeEngine engine;
  engine.add_image("busybox", "sha256:1");
  Project project;
  project.name = "p";
  project.services = {job("migrate"), svc("web")};
  const auto jc = desired_config(project.services[0], "sha256:1", {});
  const auto wc = desired_config(project.services[1], "sha256:1", {});
  auto add = [&](const std::string& service, const DesiredConfig& config) {
    ContainerSpec spec;
    spec.name = "p-" + service;
    spec.image = "busybox";
    spec.labels = {{kLabelProject, "p"}, {kLabelService, service}, {kLabelConfigHash, config.hash()}};
    const auto id = engine.create_container(spec);
    engine.start_container(id);
    return id;
  };
  const auto job_id = add("migrate", jc);
  const auto web_id = add("web", wc);
  engine.exit_container(job_id, 3);
  engine.exit_container(web_id, 0);
  const auto observed = observe(engine, project);
  REQUIRE(observed.of("migrate").size() == 1);
  CHECK(observed.of("migrate")[0].exit_code == 3);
  CHECK_FALSE(observed.of("web")[0].exit_code.has_value());
}

TEST_CASE("plan: a running job is waited for, without its pre_start; a stopped one runs after it") {
  auto s = job("migrate");
  s.has_pre_start = true;
  const auto config = desired_config(s, "sha256:1", {});
  auto d = decide_for(s, {container("c1", "running", config)}, config);
  CHECK(d.kind == ActionKind::start);
  CHECK(d.running);
  CHECK(d.reason == "running: waiting for it to end");
  CHECK(steps_for(d, s) == std::vector<Step>{{StepKind::start, "c1"}, {StepKind::wait_ready, "c1"}});
  d = decide_for(s, {exited("c1", 3, config)}, config);
  CHECK_FALSE(d.running);
  CHECK(steps_for(d, s) ==
        std::vector<Step>{{StepKind::pre_start, ""}, {StepKind::start, "c1"}, {StepKind::wait_ready, "c1"}});
}

TEST_CASE("plan: can_start_first: no job, no fixed host port, no writable volume") {
  auto s = svc("web");
  std::string why;
  CHECK(can_start_first(s, &why));
  CHECK(why.empty());
  s.ports = {{8080, "tcp", 0}};
  CHECK(can_start_first(s));
  s.ports = {{8080, "tcp", 8080}};
  CHECK_FALSE(can_start_first(s, &why));
  CHECK(why == "host port 8080 is fixed");
  s.ports.clear();
  s.volumes = {{"/srv/static", "/static", "ro"}};
  CHECK(can_start_first(s));
  s.volumes = {{"/srv/data", "/data", ""}};
  CHECK_FALSE(can_start_first(s, &why));
  CHECK(why == "volume /data is writable");
  auto job = svc("migrate");
  job.is_job = true;
  CHECK_FALSE(can_start_first(job, &why));
  CHECK(why == "a job");
}

TEST_CASE("plan: a reload of a running service that can start first is replaced new-first") {
  const auto s = svc("web");
  const auto config = desired_config(s, "sha256:1", {});
  DecideInput in{s, {container("stale", "exited", config), container("live", "running", config)}, config, "", "reload",
                 std::nullopt};
  CHECK_FALSE(decide(in).start_first);  // not asked for
  in.new_first = true;
  auto d = decide(in);
  CHECK(d.kind == ActionKind::recreate);
  CHECK(d.start_first);
  CHECK(d.container_id == "live");
  CHECK(d.remove == std::vector<std::string>{"stale", "live"});
  // The stale one goes first; the running one only once its replacement is ready and
  // has taken its name (the old one renamed aside).
  CHECK(steps_for(d, s) == std::vector<Step>{{StepKind::remove_old, "stale"},
                                             {StepKind::create, ""},
                                             {StepKind::start, ""},
                                             {StepKind::wait_ready, ""},
                                             {StepKind::rename, ""},
                                             {StepKind::remove_old, "live"}});
  // Nothing running: nothing to keep serving, so no new-first.
  DecideInput stopped{s, {container("c1", "exited", config)}, config, "", "reload", std::nullopt};
  stopped.new_first = true;
  CHECK_FALSE(decide(stopped).start_first);
  // A fixed host port cannot be bound twice.
  auto fixed = svc("web");
  fixed.ports = {{80, "tcp", 8080}};
  DecideInput bound{fixed, {container("c1", "running", config)}, config, "", "reload", std::nullopt};
  bound.new_first = true;
  CHECK_FALSE(decide(bound).start_first);
}
