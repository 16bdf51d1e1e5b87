#include "ui/status_view.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

StatusRow row(const std::string& service, const std::string& state, const std::string& id) {
  StatusRow r;
  r.service = service;
  r.state = state;
  r.container_id = id;
  return r;
}

StatusReport report() {
  StatusReport report;
  report.project = "todo";
  auto db = row("appdb", "running", "3f2a1b4c5d6e7f8091a2");
  db.health = "healthy";
  db.ports = {{5432, "tcp", "0.0.0.0", 5433}, {5432, "tcp", "::", 5433}};
  auto app = row("todo", "running", "9c8d7e6f5a4b3c2d1e0f");
  app.not_ready = "ping did not succeed";
  auto seed = row("seed", "exited", "1a2b3c4d5e6f7a8b9c0d");
  seed.exit_code = 3;
  auto web = row("web", "running", "aaaabbbbccccdddd");
  web.instance = 2;
  auto old = row("old", "running", "0f1e2d3c4b5a69788796");
  old.orphan = true;
  report.rows = {db, app, seed, web, row("cache", "absent", ""), old};
  return report;
}

}  // namespace

TEST_CASE("status view: a table with readiness, health and exit codes; orphans marked") {
  CHECK(render_status_text(report()) ==
        "project todo\n"
        "SERVICE       STATE                                      CONTAINER     PORTS\n"
        "appdb         running (healthy)                          3f2a1b4c5d6e  localhost:5433 -> 5432/tcp\n"
        "todo          running (not ready: ping did not succeed)  9c8d7e6f5a4b\n"
        "seed          exited (3)                                 1a2b3c4d5e6f\n"
        "web-2         running                                    aaaabbbbcccc\n"
        "cache         absent\n"
        "old (orphan)  running                                    0f1e2d3c4b5a\n");
}

TEST_CASE("status view: a RESTART column when some container has a restart policy") {
  auto r = report();
  r.rows[0].restart = "always";
  r.rows[2].restart = "on-failure:3";
  CHECK(render_status_text(r) ==
        "project todo\n"
        "SERVICE       STATE                                      CONTAINER     RESTART       PORTS\n"
        "appdb         running (healthy)                          3f2a1b4c5d6e  always        localhost:5433 -> 5432/tcp\n"
        "todo          running (not ready: ping did not succeed)  9c8d7e6f5a4b\n"
        "seed          exited (3)                                 1a2b3c4d5e6f  on-failure:3\n"
        "web-2         running                                    aaaabbbbcccc\n"
        "cache         absent\n"
        "old (orphan)  running                                    0f1e2d3c4b5a\n");
  CHECK(status_json(r)["services"][2].at("restart") == "on-failure:3");
}

TEST_CASE("status view: JSON with every field of each row") {
  const auto j = status_json(report());
  CHECK(j.at("v") == 1);
  CHECK(j.at("type") == "status");
  CHECK(j.at("project") == "todo");
  REQUIRE(j.at("services").size() == 6);
  const auto& db = j["services"][0];
  CHECK(db.dump() ==
        R"({"service":"appdb","instance":0,"state":"running","not_ready":"","health":"healthy","exit_code":null,)"
        R"("container_id":"3f2a1b4c5d6e7f8091a2","container_name":"","image":"",)"
        R"("ports":[{"host_ip":"0.0.0.0","host_port":5433,"container_port":5432,"protocol":"tcp"},)"
        R"({"host_ip":"::","host_port":5433,"container_port":5432,"protocol":"tcp"}],)"
        R"("started_at":"","restart":"","engine":"","orphan":false})");
  CHECK(j["services"][2].at("exit_code") == 3);
  CHECK(j["services"][5].at("orphan") == true);
}

TEST_CASE("status view: an ENGINE column when services run on declared engines, '-' for the usual one") {
  StatusReport r;
  r.project = "split";
  auto db = row("db", "running", "3f2a1b4c5d6e7f8091a2");
  db.engine = "edge";
  r.rows = {db, row("web", "running", "9c8d7e6f5a4b3c2d1e0f")};
  CHECK(render_status_text(r) ==
        "project split\n"
        "SERVICE  STATE    CONTAINER     ENGINE  PORTS\n"
        "db       running  3f2a1b4c5d6e  edge\n"
        "web      running  9c8d7e6f5a4b  -\n");
  CHECK(status_json(r)["services"][0].at("engine") == "edge");
  CHECK(status_json(r)["services"][1].at("engine") == "");
}

TEST_CASE("status view: a project deployed to the swarm has its tasks per node, in the table and in JSON") {
  DeployStatus deployed;
  deployed.project = "todo";
  deployed.network = "boss-todo-swarm";
  DeployServiceRow web;
  web.service = "web";
  web.id = "svc1";
  web.version = 15;
  web.replicas = 2;
  web.running = 2;
  web.tasks = {{"web", 1, "rig2", "running", "a81d44c2e9f7", ""}, {"web", 2, "rig3", "running", "5c0e7d21b9a4", ""}};
  deployed.services = {web};

  // Nothing of `boss start`'s: the swarm's part alone.
  StatusReport only;
  only.project = "todo";
  only.rows = {row("web", "absent", "")};
  only.deploy = deployed;
  CHECK(render_status_text(only) ==
        "project todo on the swarm (network boss-todo-swarm)\n"
        "SERVICE  REPLICAS  VERSION  TASK  NODE  STATE    CONTAINER\n"
        "web      2/2       15       1     rig2  running  a81d44c2e9f7\n"
        "web      2/2       15       2     rig3  running  5c0e7d21b9a4\n");
  // Containers too: both tables.
  StatusReport both = only;
  both.rows = {row("web", "running", "9c8d7e6f5a4b3c2d1e0f")};
  const std::string text = render_status_text(both);
  CHECK(text.rfind("project todo\nSERVICE", 0) == 0);
  CHECK(text.find("9c8d7e6f5a4b\n\nproject todo on the swarm (network boss-todo-swarm)\n") != std::string::npos);
  CHECK(text.find("web      2/2       15       2     rig3  running  5c0e7d21b9a4\n") != std::string::npos);

  const Json j = status_json(only);
  REQUIRE(j.contains("deploy"));
  CHECK(j["deploy"]["type"] == "deploy-status");
  CHECK(j["deploy"]["services"][0]["tasks"][1]["node"] == "rig3");
  CHECK(j["deploy"]["services"][0]["tasks"][1]["state"] == "running");
  CHECK_FALSE(status_json(report()).contains("deploy"));  // not deployed: no key
}
