#include "engine/swarm_json.h"

#include <doctest/doctest.h>

namespace boss {

using nlohmann::json;

TEST_CASE("service_spec_body: a replicated service, published in host mode, updated start-first") {
  SwarmServiceSpec s;
  s.name = "p-web";
  s.labels = {{"boss.project", "p"}};
  s.container_labels = {{"boss.deploy", "p"}};
  s.image = "reg/app@sha256:abc";
  s.env = {{"A", "1"}};
  s.cmd = std::vector<std::string>{"sleep", "1"};
  s.stop_timeout = 1.5;
  s.ports = {{8080, "tcp", 18080}, {53, "udp", 0}};
  s.network = "net";
  s.aliases = {"web"};
  s.replicas = 3;
  const json body = service_spec_body(s);
  CHECK(body["Name"] == "p-web");
  CHECK(body["Mode"] == json{{"Replicated", {{"Replicas", 3}}}});
  const json& c = body["TaskTemplate"]["ContainerSpec"];
  CHECK(c["Image"] == "reg/app@sha256:abc");
  CHECK(c["Env"] == json::array({"A=1"}));
  CHECK(c["Args"] == json::array({"sleep", "1"}));
  CHECK_FALSE(c.contains("Command"));
  CHECK(c["StopGracePeriod"] == 2000000000LL);
  CHECK(c["Labels"]["boss.deploy"] == "p");
  CHECK(body["TaskTemplate"]["RestartPolicy"] == json{{"Condition", "any"}});
  CHECK_FALSE(body.at("TaskTemplate").contains("Resources"));  // no mem_limit: no limit
  CHECK(body["TaskTemplate"]["Networks"] == json::array({{{"Target", "net"}, {"Aliases", {"web"}}}}));
  CHECK(body["UpdateConfig"]["Order"] == "start-first");
  CHECK(body["UpdateConfig"]["FailureAction"] == "pause");
  const json& ports = body["EndpointSpec"]["Ports"];
  CHECK(ports[0] == json{{"Protocol", "tcp"}, {"TargetPort", 8080}, {"PublishMode", "host"}, {"PublishedPort", 18080}});
  CHECK_FALSE(ports[1].contains("PublishedPort"));
}

TEST_CASE("service_spec_body: a job is a ReplicatedJob with its restart limit and no update config") {
  SwarmServiceSpec s;
  s.name = "p-seed";
  s.job = true;
  s.replicas = 2;
  s.restart_condition = "on-failure";
  s.max_attempts = 3;
  HealthCheck check;
  check.test = {"CMD", "true"};
  s.healthcheck = check;
  const json body = service_spec_body(s);
  CHECK(body["Mode"] == json{{"ReplicatedJob", {{"MaxConcurrent", 2}, {"TotalCompletions", 2}}}});
  CHECK(body["TaskTemplate"]["RestartPolicy"] == json{{"Condition", "on-failure"}, {"MaxAttempts", 3}});
  CHECK(body["TaskTemplate"]["ContainerSpec"]["HealthCheck"]["Test"] == json::array({"CMD", "true"}));
  CHECK_FALSE(body.contains("UpdateConfig"));
  CHECK_FALSE(body.contains("EndpointSpec"));
}

TEST_CASE("service_spec_body: a memory limit is each task's Resources.Limits.MemoryBytes") {
  SwarmServiceSpec s;
  s.name = "p-db";
  s.memory_limit = 64LL << 20;
  const json body = service_spec_body(s);
  CHECK(body["TaskTemplate"]["Resources"] == json{{"Limits", {{"MemoryBytes", 64LL << 20}}}});
}

TEST_CASE("swarm answers: state, services with their version and mode, tasks, nodes, digests") {
  CHECK(parse_swarm_state(json::parse(R"({"Swarm":{"LocalNodeState":"active","NodeID":"n1","ControlAvailable":true}})"))
            .manager);
  const auto worker = parse_swarm_state(json::parse(R"({"Swarm":{"LocalNodeState":"active","ControlAvailable":false}})"));
  CHECK_FALSE(worker.manager);
  CHECK(worker.node_state == "active");
  CHECK(parse_swarm_state(json::object()).node_state.empty());

  const auto services = parse_service_list(json::parse(R"([
    {"ID":"s1","Version":{"Index":42},"Spec":{"Name":"p-web","Labels":{"boss.service":"web"},
     "Mode":{"Replicated":{"Replicas":3}}},"UpdateStatus":{"State":"paused","Message":"why"}},
    {"ID":"s2","Version":{"Index":5},"Spec":{"Name":"p-seed","Mode":{"ReplicatedJob":{"TotalCompletions":2}}}}])"));
  REQUIRE(services.size() == 2);
  CHECK(services[0].version == 42);
  CHECK(services[0].replicas == 3);
  CHECK_FALSE(services[0].job);
  CHECK(services[0].labels.at("boss.service") == "web");
  CHECK(services[0].update_state == "paused");
  CHECK(services[0].update_message == "why");
  CHECK(services[1].job);
  CHECK(services[1].replicas == 2);

  const auto tasks = parse_task_list(json::parse(R"([
    {"ID":"t1","ServiceID":"s1","NodeID":"n2","Slot":2,"DesiredState":"running","CreatedAt":"2026-01-01T00:00:00Z",
     "Status":{"State":"failed","Err":"boom","Timestamp":"t",
               "ContainerStatus":{"ContainerID":"c1","ExitCode":1}},
     "Spec":{"ContainerSpec":{"Labels":{"boss.task-hash":"h"}}}},
    {"ID":"t2","Status":{"State":"pending","ContainerStatus":{"ExitCode":0}}}])"));
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].slot == 2);
  CHECK(tasks[0].error == "boom");
  CHECK(tasks[0].exit_code == 1);
  CHECK(tasks[0].container_labels.at("boss.task-hash") == "h");
  CHECK_FALSE(tasks[1].exit_code);  // no container yet: no exit code

  const auto nodes = parse_node_list(json::parse(
      R"([{"ID":"n1","Description":{"Hostname":"rig1"},"Status":{"Addr":"10.0.0.1","State":"ready"},"Spec":{"Role":"manager"}}])"));
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].hostname == "rig1");
  CHECK(nodes[0].role == "manager");
  CHECK(nodes[0].address == "10.0.0.1");

  CHECK(parse_distribution_digest(json::parse(R"({"Descriptor":{"digest":"sha256:d"}})")) == "sha256:d");
  CHECK(parse_distribution_digest(json::object()).empty());
  CHECK(overlay_network_body("n", {{"boss.deploy", "p"}})["Attachable"] == true);
  CHECK(service_filters_query({"s1"}).find("%22service%22") != std::string::npos);
}

}  // namespace boss
