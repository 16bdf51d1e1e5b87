#include "engine/docker_json.h"

#include <doctest/doctest.h>

#include "core/errors.h"
#include "engine/docker_request.h"
#include "engine/http_transport.h"

using namespace boss;
using nlohmann::json;

TEST_SUITE("engine") {

TEST_CASE("engine: container list JSON to ContainerInfo") {
  const json list = json::parse(R"([{
      "Id": "3f2a1b4c5d6e7f",
      "Names": ["/todo-web"],
      "Image": "todo:dev",
      "ImageID": "sha256:abc",
      "State": "running",
      "Status": "Up 2 minutes",
      "Labels": {"boss.project": "todo", "boss.service": "web"},
      "Ports": [
        {"IP": "0.0.0.0", "PrivatePort": 8080, "PublicPort": 49153, "Type": "tcp"},
        {"PrivatePort": 9090, "Type": "tcp"},
        {"IP": "::", "PrivatePort": 53, "PublicPort": 5353, "Type": "udp"}
      ],
      "NetworkSettings": {"Networks": {"boss-todo": {"IPAddress": "172.18.0.3"}, "none": {"IPAddress": ""}}}
    }, {
      "Id": "9999", "Names": ["/todo-db"], "ImageID": "sha256:def", "State": "exited",
      "Labels": null, "Ports": null
    }])");
  const auto containers = parse_container_list(list);
  REQUIRE(containers.size() == 2);
  const ContainerInfo& web = containers[0];
  CHECK(web.id == "3f2a1b4c5d6e7f");
  CHECK(web.name == "todo-web");
  CHECK(web.state == "running");
  CHECK(web.running());
  CHECK(web.image == "todo:dev");
  CHECK(web.image_id == "sha256:abc");
  CHECK(web.labels == Labels{{"boss.project", "todo"}, {"boss.service", "web"}});
  REQUIRE(web.ports.size() == 2);
  CHECK(web.ports[0] == PublishedPort{8080, "tcp", "0.0.0.0", 49153});
  CHECK(web.ports[1] == PublishedPort{53, "udp", "::", 5353});
  CHECK(web.addresses == std::map<std::string, std::string>{{"boss-todo", "172.18.0.3"}});

  const ContainerInfo& db = containers[1];
  CHECK(db.name == "todo-db");
  CHECK(db.image.empty());
  CHECK_FALSE(db.running());
  CHECK(db.labels.empty());
  CHECK(db.ports.empty());
  CHECK(db.addresses.empty());
}

TEST_CASE("engine: container inspect JSON to ContainerState") {
  const json inspect = json::parse(R"({
      "Id": "3f2a",
      "Name": "/todo-db",
      "State": {"Status": "exited", "Running": false, "ExitCode": 137,
                "Error": "OCI runtime create failed", "OOMKilled": true,
                "StartedAt": "2026-01-02T03:04:05.123456789Z",
                "FinishedAt": "2026-01-02T03:05:00.5Z",
                "Health": {"Status": "unhealthy", "FailingStreak": 3, "Log": [
                  {"Start": "x", "End": "y", "ExitCode": 1, "Output": "first check\n"},
                  {"Start": "x", "End": "y", "ExitCode": 1, "Output": "connection refused\n"}]}},
      "Config": {"Image": "postgres:16", "Labels": {"boss.project": "todo", "boss.service": "db"},
                 "Healthcheck": {"Test": ["CMD", "true"], "Interval": 1500000000}},
      "HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}},
      "NetworkSettings": {"Ports": {
        "9000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "32768"},
                     {"HostIp": "::", "HostPort": "32768"}],
        "10000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "10000"}],
        "7000/tcp": null
      }}
    })");
  const ContainerState state = parse_container_inspect(inspect);
  CHECK(state.id == "3f2a");
  CHECK(state.status == "exited");
  CHECK_FALSE(state.running);
  CHECK(state.exit_code == 137);
  CHECK(state.error == "OCI runtime create failed");
  CHECK(state.name == "todo-db");
  CHECK(state.image == "postgres:16");
  CHECK(state.started_at == "2026-01-02T03:04:05.123456789Z");
  CHECK(state.finished_at == "2026-01-02T03:05:00.5Z");
  CHECK(state.health == "unhealthy");
  CHECK(state.health_log == "connection refused\n");
  CHECK(state.health_interval == doctest::Approx(1.5));
  CHECK(state.oom_killed);
  CHECK(state.restart == RestartPolicy{"on-failure", 3});
  CHECK(state.labels == Labels{{"boss.project", "todo"}, {"boss.service", "db"}});
  REQUIRE(state.ports.size() == 3);
  CHECK(state.ports[0] == PublishedPort{9000, "tcp", "0.0.0.0", 32768});
  CHECK(state.ports[1] == PublishedPort{9000, "tcp", "::", 32768});
  CHECK(state.ports[2] == PublishedPort{10000, "tcp", "127.0.0.1", 10000});
}

TEST_CASE("engine: sparse inspect JSON (as podman may send) reads as empty") {
  const ContainerState state = parse_container_inspect(json::parse(R"({"Id": "x", "State": {}})"));
  CHECK(state.id == "x");
  CHECK(state.restart == RestartPolicy{});
  const auto no = parse_container_inspect(json::parse(R"({"HostConfig": {"RestartPolicy": {"Name": "no"}}})"));
  CHECK(no.restart == RestartPolicy{});
  CHECK(state.status.empty());
  CHECK_FALSE(state.running);
  CHECK(state.ports.empty());
  CHECK(state.name.empty());
  CHECK(state.image.empty());
  CHECK(state.health.empty());
  CHECK(state.health_log.empty());
  CHECK(state.health_interval == 0);
  CHECK(state.labels.empty());
}

TEST_CASE("engine: a container that never started or never stopped has no such time") {
  const ContainerState created = parse_container_inspect(json::parse(R"({"Id": "x", "State": {
      "Status": "created", "StartedAt": "0001-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z",
      "Health": {"Status": "starting", "Log": []}}})"));
  CHECK(created.started_at.empty());
  CHECK(created.finished_at.empty());
  CHECK(created.health == "starting");
  CHECK(created.health_log.empty());
}

TEST_CASE("engine: event messages to EngineEvent") {
  const EngineEvent event = parse_engine_event(json::parse(R"({
      "status": "health_status: healthy", "id": "3f2a", "from": "postgres:16",
      "Type": "container", "Action": "health_status: healthy",
      "Actor": {"ID": "3f2a", "Attributes": {"boss.project": "todo", "image": "postgres:16", "name": "todo-db"}},
      "scope": "local", "time": 1767322045, "timeNano": 1767322045123456789})"));
  CHECK(event.type == "container");
  CHECK(event.action == "health_status: healthy");
  CHECK(event.id == "3f2a");
  CHECK(event.attributes == Labels{{"boss.project", "todo"}, {"image", "postgres:16"}, {"name", "todo-db"}});
  CHECK(event.time_nano == 1767322045123456789);

  const EngineEvent die = parse_engine_event(json::parse(R"({"Type": "container", "Action": "die",
      "Actor": {"ID": "9", "Attributes": {"exitCode": "137"}}})"));
  CHECK(die.attributes.at("exitCode") == "137");
  CHECK(die.time_nano == 0);
  CHECK(parse_engine_event(json::parse("{}")).type.empty());
}

TEST_CASE("engine: the engine's times, and back to a since value") {
  const auto time = parse_engine_time("2026-01-02T03:04:05.123456789Z");
  REQUIRE(time);
  CHECK(since_query_value(*time) == "1767323045.123456789");
  CHECK(since_query_value(*parse_engine_time("1970-01-01T00:00:10Z")) == "10.000000000");
  CHECK(since_query_value(*parse_engine_time("2026-01-02T03:04:05.5Z")) == "1767323045.500000000");
  CHECK_FALSE(parse_engine_time(""));
  CHECK_FALSE(parse_engine_time("0001-01-01"));
  CHECK_FALSE(parse_engine_time("2026-01-02T03:04:05+01:00"));
  CHECK_FALSE(parse_engine_time("2026-13-02T03:04:05Z"));
  CHECK_FALSE(parse_engine_time("2026-01-02T03:04:05.Z"));
  CHECK_FALSE(parse_engine_time("2026-01-02T03:04:05.x1Z"));
}

TEST_CASE("engine: network list JSON") {
  const auto networks = parse_network_list(json::parse(
      R"([{"Name": "todo_default", "Id": "n1", "Labels": {"boss.project": "todo"}},
          {"Name": "bridge", "Id": "n2", "Labels": {}}])"));
  REQUIRE(networks.size() == 2);
  CHECK(networks[0].name == "todo_default");
  CHECK(networks[0].id == "n1");
  CHECK(networks[0].labels.at("boss.project") == "todo");
  CHECK(networks[1].labels.empty());
}

TEST_CASE("engine: image and volume lists, and the named volumes a container mounts") {
  const auto images = parse_image_list(json::parse(R"([
    {"Id": "sha256:a", "RepoTags": ["app:dev", "app:1"], "Labels": {"boss.project": "todo"}},
    {"Id": "sha256:b", "RepoTags": ["<none>:<none>"], "Labels": null},
    {"Id": "sha256:c", "RepoTags": null}])"));
  REQUIRE(images.size() == 3);
  CHECK(images[0].id == "sha256:a");
  CHECK(images[0].tags == std::vector<std::string>{"app:dev", "app:1"});
  CHECK(images[0].labels.at("boss.project") == "todo");
  CHECK(images[1].tags.empty());  // dangling, as older engines list it
  CHECK(images[2].tags.empty());
  CHECK(parse_image_list(json::object()).empty());

  const auto volumes = parse_volume_list(json::parse(R"({"Volumes": [
    {"Name": "todo_data", "Driver": "local", "Labels": {"boss.project": "todo", "boss.volume": "data"}},
    {"Name": "bare", "Labels": null}], "Warnings": null})"));
  REQUIRE(volumes.size() == 2);
  CHECK(volumes[0].name == "todo_data");
  CHECK(volumes[0].labels == Labels{{"boss.project", "todo"}, {"boss.volume", "data"}});
  CHECK(volumes[1].labels.empty());
  CHECK(parse_volume_list(json::parse(R"({"Volumes": null})")).empty());

  const auto container = parse_container_summary(json::parse(R"({"Id": "c1", "Mounts": [
    {"Type": "volume", "Name": "todo_data", "Destination": "/data"},
    {"Type": "bind", "Source": "/src", "Destination": "/src"},
    {"Type": "volume", "Name": "", "Destination": "/anon"}]})"));
  CHECK(container.volumes == std::vector<std::string>{"todo_data"});
}

TEST_CASE("engine: the engine's error message") {
  CHECK(engine_error_message(R"({"message":"Conflict. The container name \"/todo-web\" is already in use"})",
                             409) == "Conflict. The container name \"/todo-web\" is already in use");
  CHECK(engine_error_message("page not found\n", 404) == "page not found");
  CHECK(engine_error_message("", 500) == "HTTP 500");
  CHECK_THROWS_AS(parse_engine_json("<html>", "list containers"), EngineError);
  CHECK(json_string(json::parse(R"({"Id": 5})"), "Id").empty());
}

TEST_CASE("engine: label filters query") {
  CHECK(label_filters_query({}).empty());
  CHECK(label_filters_query({{"boss.project", "todo"}, {"boss.test", "1"}}) ==
        url_encode(R"({"label":["boss.project=todo","boss.test=1"]})"));
  CHECK(container_event_filters_query({{"boss.project", "todo"}}) ==
        url_encode(R"({"label":["boss.project=todo"],"type":["container"]})"));
  CHECK(container_event_filters_query({}) == url_encode(R"({"type":["container"]})"));
}

TEST_CASE("engine: container create body") {
  ContainerSpec spec;
  spec.name = "todo-web";
  spec.image = "todo:dev";
  spec.env = {{"A", "1"}, {"B", "x=y"}};
  spec.cmd = std::vector<std::string>{"serve", "--port", "80"};
  spec.user = "1000:1000";
  spec.stop_signal = "SIGINT";
  spec.restart = {"on-failure", 4};
  spec.ports = {{80, "tcp", 0}, {53, "udp", 5353}, {80, "tcp", 8080}};
  spec.binds = {{"/srv/data", "/data", "ro"}, {"cache", "/cache", ""}};
  spec.network = "todo_default";
  spec.aliases = {"web"};
  spec.hostname = "web";
  spec.labels = {{"boss.project", "todo"}};

  const json body = container_create_body(spec);
  CHECK(body["Image"] == "todo:dev");
  CHECK(body["Env"] == json::array({"A=1", "B=x=y"}));
  CHECK(body["Cmd"] == json::array({"serve", "--port", "80"}));
  CHECK_FALSE(body.contains("Entrypoint"));
  CHECK(body["User"] == "1000:1000");
  CHECK(body["StopSignal"] == "SIGINT");
  CHECK(body["Hostname"] == "web");
  CHECK(body["Labels"]["boss.project"] == "todo");
  CHECK(body["ExposedPorts"].size() == 2);
  CHECK(body["ExposedPorts"].contains("80/tcp"));
  CHECK(body["ExposedPorts"].contains("53/udp"));
  const json& host = body["HostConfig"];
  CHECK(host["PortBindings"]["80/tcp"] ==
        json::parse(R"([{"HostIp":"","HostPort":""},{"HostIp":"","HostPort":"8080"}])"));
  CHECK(host["PortBindings"]["53/udp"][0]["HostPort"] == "5353");
  CHECK(host["Binds"] == json::array({"/srv/data:/data:ro", "cache:/cache"}));
  CHECK(host["RestartPolicy"] == json::parse(R"({"Name":"on-failure","MaximumRetryCount":4})"));
  CHECK(host["NetworkMode"] == "todo_default");
  CHECK(body["NetworkingConfig"]["EndpointsConfig"]["todo_default"]["Aliases"] ==
        json::array({"web"}));
}

TEST_CASE("engine: working_dir and init in the create body") {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.working_dir = "/app";
  spec.init = true;
  const json body = container_create_body(spec);
  CHECK(body["WorkingDir"] == "/app");
  CHECK(body["HostConfig"]["Init"] == true);
  ContainerSpec plain;
  plain.image = "busybox";
  const json plain_body = container_create_body(plain);
  CHECK_FALSE(plain_body.contains("WorkingDir"));
  CHECK_FALSE(plain_body["HostConfig"].contains("Init"));
  CHECK_FALSE(plain_body["HostConfig"].contains("Memory"));
}

TEST_CASE("engine: mem_limit is HostConfig.Memory") {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.mem_limit = 512LL * 1024 * 1024;
  CHECK(container_create_body(spec)["HostConfig"]["Memory"] == 536870912);
}

TEST_CASE("engine: a port bound to one host address") {
  ContainerSpec spec;
  spec.image = "postgres";
  spec.ports = {{5432, "tcp", 5433, "127.0.0.1"}, {6379, "tcp", 0, "::1"}};
  const json body = container_create_body(spec);
  CHECK(body["HostConfig"]["PortBindings"]["5432/tcp"] ==
        json::parse(R"([{"HostIp":"127.0.0.1","HostPort":"5433"}])"));
  CHECK(body["HostConfig"]["PortBindings"]["6379/tcp"] == json::parse(R"([{"HostIp":"::1","HostPort":""}])"));
}

TEST_CASE("engine: a minimal create body leaves the image's defaults alone") {
  ContainerSpec spec;
  spec.image = "busybox";
  spec.entrypoint = std::vector<std::string>{};
  const json body = container_create_body(spec);
  CHECK_FALSE(body.contains("Cmd"));
  CHECK(body["Entrypoint"] == json::array());
  CHECK_FALSE(body.contains("User"));
  CHECK_FALSE(body.contains("ExposedPorts"));
  CHECK_FALSE(body.contains("NetworkingConfig"));
  CHECK_FALSE(body["HostConfig"].contains("NetworkMode"));
  CHECK_FALSE(body["HostConfig"].contains("RestartPolicy"));
}

TEST_CASE("engine: health check and stop timeout in the create body") {
  ContainerSpec spec;
  spec.image = "postgres";
  CHECK_FALSE(container_create_body(spec).contains("Healthcheck"));
  CHECK_FALSE(container_create_body(spec).contains("StopTimeout"));
  HealthCheck check;
  check.test = {"CMD", "pg_isready"};
  check.interval = 0.5;
  check.start_period = 2;
  spec.healthcheck = check;
  spec.stop_timeout = 2.5;
  const json body = container_create_body(spec);
  CHECK(body["StopTimeout"] == 3);  // whole seconds, rounded up
  CHECK(body["Healthcheck"] == json::parse(R"({"Test":["CMD","pg_isready"],"Interval":500000000,"Timeout":2000000000,
      "Retries":3,"StartPeriod":2000000000,"StartInterval":200000000})"));
  spec.healthcheck = disabled_healthcheck();
  CHECK(container_create_body(spec)["Healthcheck"] == json::parse(R"({"Test":["NONE"]})"));
}

TEST_CASE("engine: a one-off's create body asks for a TTY and an open stdin only when told") {
  ContainerSpec spec;
  spec.image = "busybox";
  CHECK_FALSE(container_create_body(spec).contains("Tty"));
  CHECK_FALSE(container_create_body(spec).contains("OpenStdin"));
  spec.tty = true;
  spec.open_stdin = true;
  const json body = container_create_body(spec);
  CHECK(body["Tty"] == true);
  CHECK(body["OpenStdin"] == true);
  CHECK(body["StdinOnce"] == true);
  CHECK(body["AttachStdin"] == true);
}

TEST_CASE("engine: network create body") {
  const json body = network_create_body("todo_default", {{"boss.project", "todo"}});
  CHECK(body["Name"] == "todo_default");
  CHECK(body["Driver"] == "bridge");
  CHECK(body["CheckDuplicate"] == true);
  CHECK(body["Labels"]["boss.project"] == "todo");
}

}  // TEST_SUITE

TEST_CASE("engine: podman is recognised by its /version, Docker is not") {
  CHECK(is_podman_version(json::parse(R"j({"Version": "4.3.1", "Components": [
      {"Name": "Podman Engine", "Version": "4.3.1"}, {"Name": "Conmon"}, {"Name": "OCI Runtime (runc)"}]})j")));
  CHECK_FALSE(is_podman_version(json::parse(R"({"Version": "20.10.24", "Components": [
      {"Name": "Engine", "Version": "20.10.24"}, {"Name": "containerd"}, {"Name": "runc"}]})")));
  CHECK_FALSE(is_podman_version(json::parse(R"({"Version": "1"})")));
  CHECK_FALSE(is_podman_version(json::parse("[]")));
}

TEST_CASE("engine: image names as podman lists them read as Docker's") {
  CHECK(familiar_image_name("docker.io/library/postgres:16") == "postgres:16");
  CHECK(familiar_image_name("docker.io/team/app:1") == "team/app:1");
  CHECK(familiar_image_name("localhost/demo-web:dev") == "demo-web:dev");
  CHECK(familiar_image_name("localhost:5000/demo-web:dev") == "localhost:5000/demo-web:dev");
  CHECK(familiar_image_name("quay.io/x/y:1") == "quay.io/x/y:1");
  CHECK(familiar_image_name("app:dev") == "app:dev");
  const auto images = parse_image_list(json::parse(R"([{"Id": "sha256:a",
      "RepoTags": ["docker.io/library/demo-app:dev", "localhost/demo-app:latest", "<none>:<none>"]}])"));
  REQUIRE(images.size() == 1);
  CHECK(images[0].tags == std::vector<std::string>{"demo-app:dev", "demo-app:latest"});
}

TEST_CASE("engine: stats JSON to memory in use, less the inactive page cache as the docker CLI counts it") {
  // Docker on cgroup v1: total_inactive_file (cache is bigger: it has active pages too).
  const auto v1 = parse_container_stats(json::parse(R"({"memory_stats": {"usage": 10485760, "limit": 67108864,
      "stats": {"cache": 4194304, "total_inactive_file": 1048576, "inactive_file": 999}}})"));
  REQUIRE(v1);
  CHECK(v1->memory_usage == 10485760 - 1048576);
  CHECK(v1->memory_limit == 67108864);
  // Docker on cgroup v2.
  const auto v2 = parse_container_stats(
      json::parse(R"({"memory_stats": {"usage": 5000000, "limit": 8000000000, "stats": {"inactive_file": 1000000}}})"));
  REQUIRE(v2);
  CHECK(v2->memory_usage == 4000000);
  // podman: no stats, its usage already without the cache.
  const auto podman = parse_container_stats(json::parse(R"({"memory_stats": {"usage": 2222, "max_usage": 3000, "limit": 9000}})"));
  REQUIRE(podman);
  CHECK(podman->memory_usage == 2222);
  CHECK(podman->memory_limit == 9000);
  // A page cache the engine counts larger than the usage is not taken off.
  CHECK(parse_container_stats(json::parse(R"({"memory_stats": {"usage": 10, "stats": {"inactive_file": 20}}})"))->memory_usage == 10);
  // A container that does not run: Docker's memory_stats is empty.
  CHECK_FALSE(parse_container_stats(json::parse(R"({"read": "0001-01-01T00:00:00Z", "memory_stats": {}})")));
  CHECK_FALSE(parse_container_stats(json::parse(R"([])")));
}
