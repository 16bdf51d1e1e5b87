#include "core/deploy.h"

#include <doctest/doctest.h>

namespace boss {
namespace {

// A service on the registry's image; project "p" holds the services it is given.
ServiceSpec service(const std::string& name) {
  ServiceSpec s;
  s.name = name, s.image = "registry:5000/app", s.defined_at = "services.lua:1";
  return s;
}
Project project_of(std::vector<ServiceSpec> services) {
  Project p;
  p.name = "p", p.services = std::move(services);
  return p;
}

DeployDefinition definition(const ServiceSpec& s, const std::string& digest = "sha256:abc") {
  return deploy_definition(project_of({s}), s, digest, {}, {}, "net-id");
}

SwarmService listed(const DeployDefinition& d, std::uint64_t version = 7) {
  SwarmService s;
  s.id = "svc1";
  s.name = d.spec.name;
  s.version = version;
  s.labels = d.spec.labels;
  s.replicas = d.spec.replicas;
  s.job = d.spec.job;
  return s;
}

SwarmTask task(const std::string& id, const std::string& hash, const std::string& state, int slot = 1) {
  SwarmTask t;
  t.id = id;
  t.service_id = "svc1";
  t.node_id = "n1";
  t.slot = slot;
  t.desired_state = state == "complete" ? "complete" : "running";
  t.state = state;
  t.container_id = "c-" + id;
  t.container_labels = {{kLabelTaskHash, hash}};
  return t;
}

}  // namespace

TEST_CASE("deploy_definition: instances become replicas, names and the network are the project's") {
  ServiceSpec web = service("web");
  web.instances = 3;
  web.dependencies = {"db", "cache"};
  const auto d = definition(web);
  CHECK(d.spec.name == "p-web");
  CHECK(d.spec.replicas == 3);
  CHECK_FALSE(d.spec.job);
  CHECK(d.spec.image == "registry:5000/app@sha256:abc");
  CHECK(d.spec.network == "net-id");
  CHECK(d.spec.aliases == std::vector<std::string>{"web"});
  CHECK(d.spec.restart_condition == "any");
  CHECK(d.spec.labels.at(kLabelProject) == "p");
  CHECK(d.spec.labels.at(kLabelService) == "web");
  CHECK(d.spec.labels.at(kLabelDependencies) == "db,cache");
  CHECK(d.spec.labels.at(kLabelConfigHash) == d.hash);
  CHECK(d.spec.labels.at(kLabelConfig) == d.config_json);
  CHECK(deploy_network_name(project_of({})) == "boss-p-swarm");
  // Without a digest the reference stays as written.
  CHECK(definition(web, "").spec.image == "registry:5000/app");
}

TEST_CASE("deploy_definition: a job is a replicated job that restarts only on failure, as its retries allow") {
  ServiceSpec seed = service("seed");
  seed.is_job = true;
  auto d = definition(seed);
  CHECK(d.spec.job);
  CHECK(d.spec.replicas == 1);
  CHECK(d.spec.restart_condition == "none");
  CHECK(d.spec.max_attempts == 0);
  seed.job.retries.limit = 2;
  d = definition(seed);
  CHECK(d.spec.restart_condition == "on-failure");
  CHECK(d.spec.max_attempts == 2);
}

TEST_CASE("deploy_definition: a service's restart becomes Swarm's restart condition") {
  ServiceSpec s = service("s");
  s.restart = "no";
  CHECK(definition(s).spec.restart_condition == "none");
  s.restart = "on-failure:4";
  CHECK(definition(s).spec.restart_condition == "on-failure");
  CHECK(definition(s).spec.max_attempts == 4);
  s.restart = "unless-stopped";
  CHECK(definition(s).spec.restart_condition == "any");
}

TEST_CASE("deploy_definition: health check, env, ports, volumes, mem_limit and the user's labels carry over") {
  ServiceSpec s = service("db");
  HealthCheck check;
  check.test = {"CMD", "true"};
  check.interval = 0.5;
  s.healthcheck = check;
  s.env = {{"A", "{a}"}};
  s.ports = {{8080, "tcp", 18080}};
  s.volumes = {{"p_data", "/data", "ro", true, "data"}, {"/srv", "/srv", "", false, ""}};
  s.labels = {{"team", "core"}};
  s.stop_signal = "SIGKILL";
  s.mem_limit = 64LL << 20;
  const auto d = deploy_definition(project_of({s}), s, "sha256:abc", {{"a", "1"}}, {}, "net-id");
  REQUIRE(d.spec.healthcheck);
  CHECK(d.spec.healthcheck->test == check.test);
  CHECK(d.spec.healthcheck->interval == 0.5);
  CHECK(d.spec.env == std::map<std::string, std::string>{{"A", "1"}});
  CHECK(d.spec.ports == std::vector<SwarmServiceSpec::Port>{{8080, "tcp", 18080}});
  REQUIRE(d.spec.mounts.size() == 2);
  CHECK(d.spec.mounts[0].type == "volume");
  CHECK(d.spec.mounts[0].source == "p_data");
  CHECK(d.spec.mounts[0].read_only);
  CHECK(d.spec.mounts[0].volume_labels.at(kLabelDeploy) == "p");
  CHECK(d.spec.mounts[1].type == "bind");
  CHECK_FALSE(d.spec.mounts[1].read_only);
  CHECK(d.spec.stop_signal == "SIGKILL");
  CHECK(d.spec.memory_limit == 64LL << 20);
  CHECK_FALSE(definition(service("web")).spec.memory_limit);
  // Task containers: the user's labels, boss.deploy (never boss.project) and the task hash.
  CHECK(d.spec.container_labels.at("team") == "core");
  CHECK(d.spec.container_labels.at(kLabelDeploy) == "p");
  CHECK(d.spec.container_labels.at(kLabelService) == "db");
  CHECK(d.spec.container_labels.at(kLabelTaskHash) == d.task_hash);
  CHECK_FALSE(d.spec.container_labels.count(kLabelProject));
}

TEST_CASE("deploy_definition: replicas change the service's hash, not its tasks'") {
  ServiceSpec s = service("web");
  const auto one = definition(s);
  s.instances = 2;
  const auto two = definition(s);
  CHECK(one.task_hash == two.task_hash);
  CHECK(one.hash != two.hash);
  s.env = {{"X", "1"}};
  const auto changed = definition(s);
  CHECK(changed.task_hash != two.task_hash);
  CHECK(definition(s).hash == changed.hash);  // stable
}

TEST_CASE("deploy_definition: a template with no value throws UnfilledTemplate") {
  ServiceSpec s = service("web");
  s.env = {{"TOKEN", "{token}"}};
  CHECK_THROWS_AS(definition(s), UnfilledTemplate);
}

TEST_CASE("decide_deploy: create when there is none, keep when the hash matches, else update with its version") {
  ServiceSpec s = service("web");
  s.env = {{"GREETING", "one"}};
  const auto was = definition(s);
  auto d = decide_deploy(was, std::nullopt);
  CHECK(d.action == ActionKind::create);
  CHECK(d.reason == "no service");

  d = decide_deploy(was, listed(was, 12));
  CHECK(d.action == ActionKind::keep);
  CHECK(d.reason.empty());
  CHECK(d.id == "svc1");

  s.env = {{"GREETING", "two"}};
  s.instances = 3;
  d = decide_deploy(definition(s), listed(was, 12));
  CHECK(d.action == ActionKind::update);
  CHECK(d.id == "svc1");
  CHECK(d.version == 12);
  CHECK(d.reason == "env GREETING changed, instances 1 -> 3");

  s.env = {{"GREETING", "one"}};
  s.instances = 1;
  s.restart = "no";
  CHECK(decide_deploy(definition(s), listed(was)).reason == "restart changed");

  // A service whose labels boss cannot read is updated, not recreated.
  SwarmService foreign = listed(was, 3);
  foreign.labels.erase(kLabelConfig);
  foreign.labels[kLabelConfigHash] = "old";
  d = decide_deploy(was, foreign);
  CHECK(d.action == ActionKind::update);
  CHECK(d.version == 3);
  CHECK_FALSE(d.reason.empty());
}

TEST_CASE("judge_tasks: ready when the replicas of this definition run and no update is in progress") {
  SwarmService svc;
  svc.id = "svc1";
  const std::vector<SwarmTask> tasks = {task("a", "new", "running", 1), task("b", "new", "starting", 2),
                                        task("c", "old", "running", 2)};
  auto v = judge_tasks(svc, tasks, "new", 2, false, 0, {}, {});
  CHECK(v.state == TasksVerdict::State::waiting);
  CHECK(v.reason == "1 of 2 tasks running");
  CHECK(v.container_id == "c-a");

  auto done = tasks;
  done[1].state = "running";
  CHECK(judge_tasks(svc, done, "new", 2, false, 0, {}, {}).state == TasksVerdict::State::ready);
  svc.update_state = "updating";
  v = judge_tasks(svc, done, "new", 2, false, 0, {}, {});
  CHECK(v.state == TasksVerdict::State::waiting);
  CHECK(v.reason == "2 of 2 tasks running (updating)");
}

TEST_CASE("judge_tasks: a new task's failure fails it, naming the slot and node; old failures do not") {
  SwarmService svc;
  svc.id = "svc1";
  SwarmTask failed = task("f", "new", "failed", 2);
  failed.error = "task: non-zero exit (1)";
  std::vector<SwarmTask> tasks = {task("a", "new", "running", 1), failed};
  auto v = judge_tasks(svc, tasks, "new", 2, false, 0, {}, {{"n1", "rig2"}});
  CHECK(v.state == TasksVerdict::State::failed);
  CHECK(v.reason == "task 2 on rig2 failed: task: non-zero exit (1)");
  // Failed before boss changed the service: history.
  CHECK(judge_tasks(svc, tasks, "new", 2, false, 0, {"f"}, {}).state == TasksVerdict::State::waiting);
  // A failed task of another definition is not this deploy's.
  tasks[1].container_labels[kLabelTaskHash] = "old";
  CHECK(judge_tasks(svc, tasks, "new", 2, false, 0, {}, {}).state == TasksVerdict::State::waiting);
  // A paused or rolled-back update fails it.
  svc.update_state = "paused";
  svc.update_message = "update paused due to failure";
  v = judge_tasks(svc, tasks, "new", 2, false, 0, {}, {});
  CHECK(v.state == TasksVerdict::State::failed);
  CHECK(v.reason == "the swarm paused its update: update paused due to failure");
  svc.update_state = "rollback_completed";
  svc.update_message.clear();
  CHECK(judge_tasks(svc, tasks, "new", 2, false, 0, {}, {}).reason == "the swarm rolled its update back");
}

TEST_CASE("judge_tasks: a job is ready when its completions are in, failed when more than its retries failed") {
  SwarmService svc;
  svc.id = "svc1";
  SwarmTask failed = task("f1", "h", "failed", 0);
  failed.exit_code = 3;
  failed.message = "finished";
  std::vector<SwarmTask> tasks = {failed};
  auto v = judge_tasks(svc, tasks, "h", 1, true, 1, {}, {});
  CHECK(v.state == TasksVerdict::State::waiting);
  CHECK(v.reason == "0 of 1 tasks completed");
  tasks.push_back(failed);
  tasks.back().id = "f2";
  v = judge_tasks(svc, tasks, "h", 1, true, 1, {}, {});
  CHECK(v.state == TasksVerdict::State::failed);
  CHECK(v.reason == "task on n1 failed: finished (exit code 3)");
  tasks = {task("ok", "h", "complete", 0)};
  CHECK(judge_tasks(svc, tasks, "h", 1, true, 0, {}, {}).state == TasksVerdict::State::ready);
}

TEST_CASE("deploy_status: services in services.lua's order, the newest task per slot, with its node") {
  const Project p = project_of({service("db"), service("web")});
  SwarmService web;
  web.id = "w";
  web.labels = {{kLabelService, "web"}};
  web.replicas = 2;
  SwarmService db;
  db.id = "d";
  db.labels = {{kLabelService, "db"}};
  db.replicas = 1;
  SwarmService gone;
  gone.id = "g";
  gone.labels = {{kLabelService, "gone"}};
  auto t = [](const std::string& id, const std::string& service, int slot, const std::string& node,
              const std::string& state, const std::string& created) {
    SwarmTask task;
    task.id = id;
    task.service_id = service;
    task.slot = slot;
    task.node_id = node;
    task.desired_state = state == "shutdown" ? "shutdown" : "running";
    task.state = state;
    task.created_at = created;
    task.container_id = "0123456789abcdef" + id;
    return task;
  };
  const std::vector<SwarmTask> tasks = {t("w2", "w", 2, "n2", "running", "2"), t("w1old", "w", 1, "n1", "shutdown", "1"),
                                        t("w1", "w", 1, "n3", "running", "3"), t("d1", "d", 1, "n1", "starting", "1")};
  const std::vector<SwarmNode> nodes = {{"n1", "rig1", "", "manager", "ready"}, {"n2", "rig2", "", "worker", "ready"}};
  const auto status = deploy_status(p, {web, gone, db}, tasks, nodes, "boss-p-swarm");
  CHECK(status.network == "boss-p-swarm");
  REQUIRE(status.services.size() == 3);
  CHECK(status.services[0].service == "db");
  CHECK(status.services[1].service == "web");
  CHECK(status.services[2].service == "gone");
  CHECK(status.services[0].running == 0);
  const auto& rows = status.services[1].tasks;
  CHECK(status.services[1].running == 2);
  CHECK(rows == std::vector<DeployTaskRow>{{"web", 1, "n3", "running", "0123456789ab", ""},
                                           {"web", 2, "rig2", "running", "0123456789ab", ""}});
}

}  // namespace boss
