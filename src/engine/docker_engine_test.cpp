// DockerEngine against a scripted HTTP server: the requests it sends and how it reads
// streamed answers, without a Docker engine (engine_live_test.cpp has the real one).
#include "engine/docker_engine.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/errors.h"
#include "engine/registry_auth_header.h"
#include "testing/http_test_server.h"
#include "testing/docker_frame.h"

using namespace boss;
using boss::testing::docker_frame;
using boss::testing::http_chunk;
using boss::testing::http_chunked_head;
using boss::testing::http_response;
using boss::testing::HttpTestServer;
using namespace std::chrono_literals;

namespace {

DockerEngine engine_for(const HttpTestServer& server) { return DockerEngine(parse_docker_host(server.docker_host())); }

// Requests `cancel` after `delay`, on its own thread.
struct CancelLater {
  std::thread thread;
  CancelLater(Cancel& cancel, std::chrono::milliseconds delay)
      : thread([&cancel, delay] {
          std::this_thread::sleep_for(delay);
          cancel.request();
        }) {}
  ~CancelLater() { thread.join(); }
};

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: podman's 500 for a taken container name is the 409 Docker gives") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target == "/v1.41/containers/create?name=todo-db")
      connection.send(http_response(500, R"({"cause":"that name is already in use","message":"creating container storage: the container name \"todo-db\" is already in use by 7275dc. You have to remove that container to be able to reuse that name: that name is already in use","response":500})"));
    else
      connection.send(http_response(500, R"({"message":"no space left on device"})"));
  });
  DockerEngine engine = engine_for(server);
  ContainerSpec spec;
  spec.name = "todo-db";
  spec.image = "busybox";
  try {
    engine.create_container(spec);
    FAIL("create succeeded");
  } catch (const EngineError& error) {
    CHECK(error.status() == 409);
  }
  spec.name = "todo-web";
  try {
    engine.create_container(spec);
    FAIL("create succeeded");
  } catch (const EngineError& error) {
    CHECK(error.status() == 500);
    CHECK(std::string(error.what()) == "create container todo-web: no space left on device");
  }
}

TEST_CASE("engine: health checks are run through libpod's endpoint on podman only, its version asked once") {
  const auto serve = [](bool podman) {
    return [podman](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
      if (request.target == "/v1.41/version")
        connection.send(http_response(200, podman ? R"({"Version":"4.3.1","Components":[{"Name":"Podman Engine"}]})"
                                                  : R"({"Version":"20.10.24","Components":[{"Name":"Engine"}]})"));
      else if (request.target == "/v1.41/libpod/containers/c1/healthcheck")
        connection.send(http_response(200, R"({"Status":"healthy","FailingStreak":0,"Log":[]})"));
      else if (request.target == "/v1.41/libpod/containers/c2/healthcheck")
        connection.send(http_response(409, R"({"message":"container c2 has no defined healthcheck"})"));
      else
        connection.send(http_response(404, R"({"message":"page not found"})"));
    };
  };
  HttpTestServer podman(serve(true));
  DockerEngine on_podman = engine_for(podman);
  CHECK(on_podman.run_health_check("c1") == std::optional<std::string>("healthy"));
  CHECK(on_podman.run_health_check("c1") == std::optional<std::string>("healthy"));
  try {
    on_podman.run_health_check("c2");
    FAIL("a container without a check was checked");
  } catch (const EngineError& error) {
    CHECK(error.status() == 409);
    CHECK(std::string(error.what()) == "run the health check of container c2: container c2 has no defined healthcheck");
  }
  const auto requests = podman.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].target == "/v1.41/version");
  CHECK(requests[1].method == "GET");

  HttpTestServer docker(serve(false));
  DockerEngine on_docker = engine_for(docker);
  CHECK_FALSE(on_docker.run_health_check("c1"));
  CHECK_FALSE(on_docker.run_health_check("c1"));
  CHECK(docker.requests().size() == 1);  // only /version
}

TEST_CASE("engine: remove_image sends DELETE /images/<ref>, a missing image is fine, one in use is 409") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target == "/v1.41/images/host:5000/team/app:1.0")
      connection.send(http_response(200, R"([{"Untagged":"host:5000/team/app:1.0"}])"));
    else if (request.target == "/v1.41/images/gone:1")
      connection.send(http_response(404, R"({"message":"No such image: gone:1"})"));
    else
      connection.send(http_response(409, R"({"message":"conflict: unable to remove repository reference \"used:1\""})"));
  });
  DockerEngine engine = engine_for(server);
  engine.remove_image("host:5000/team/app:1.0");
  engine.remove_image("gone:1");
  try {
    engine.remove_image("used:1");
    FAIL("an image in use was removed");
  } catch (const EngineError& error) {
    CHECK(error.status() == 409);
    CHECK(std::string(error.what()) == "remove image used:1: conflict: unable to remove repository reference \"used:1\"");
  }
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].method == "DELETE");
  CHECK(requests[0].target == "/v1.41/images/host:5000/team/app:1.0");
  CHECK(requests[0].body.empty());
}

TEST_CASE("engine: volumes are created with labels, listed by label, removed by name; images listed by label") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target.rfind("/v1.41/volumes/create", 0) == 0)
      connection.send(http_response(201, R"({"Name":"todo_data"})"));
    else if (request.target.rfind("/v1.41/volumes?", 0) == 0)
      connection.send(http_response(200, R"({"Volumes":[{"Name":"todo_data","Labels":{"boss.project":"todo"}}]})"));
    else if (request.target == "/v1.41/volumes/todo_data")
      connection.send(http_response(409, R"({"message":"remove todo_data: volume is in use"})"));
    else if (request.target == "/v1.41/volumes/gone")
      connection.send(http_response(404, R"({"message":"no such volume"})"));
    else
      connection.send(http_response(200, R"([{"Id":"sha256:a","RepoTags":["app:dev"],"Labels":{"boss.project":"todo"}}])"));
  });
  DockerEngine engine = engine_for(server);
  engine.create_volume("todo_data", {{"boss.project", "todo"}, {"boss.volume", "data"}});
  const auto volumes = engine.list_volumes({{"boss.project", "todo"}});
  REQUIRE(volumes.size() == 1);
  CHECK(volumes[0].name == "todo_data");
  engine.remove_volume("gone");
  try {
    engine.remove_volume("todo_data");
    FAIL("a volume in use was removed");
  } catch (const EngineError& error) {
    CHECK(error.status() == 409);
  }
  const auto images = engine.list_images({{"boss.project", "todo"}});
  REQUIRE(images.size() == 1);
  CHECK(images[0].tags == std::vector<std::string>{"app:dev"});
  const auto requests = server.requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[0].method == "POST");
  CHECK(nlohmann::json::parse(requests[0].body) ==
        nlohmann::json::parse(R"({"Name":"todo_data","Labels":{"boss.project":"todo","boss.volume":"data"}})"));
  CHECK(requests[1].target.find("filters=") != std::string::npos);
  CHECK(requests[2].method == "DELETE");
  CHECK(requests[4].target.rfind("/v1.41/images/json?all=0&filters=", 0) == 0);
}

TEST_CASE("engine: follow_logs asks for what the request says and streams whole lines") {
  const std::string t1 = "2026-01-02T03:04:05.000000001Z";
  const std::string t2 = "2026-01-02T03:04:05.000000002Z";
  const std::string body = docker_frame(1, t1 + " first\n") + docker_frame(2, t2 + " second\n") + docker_frame(1, t2 + " last");
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_chunked_head(200, "application/vnd.docker.raw-stream"));
    // Chunks that cut a header and a timestamp.
    connection.send(http_chunk(body.substr(0, 5)));
    connection.send(http_chunk(body.substr(5, 20)));
    connection.send(http_chunk(body.substr(25)));
    connection.send(http_chunk(""));
  });
  DockerEngine engine = engine_for(server);
  std::vector<std::string> lines;
  engine.follow_logs(
      "web 1", {true, 5, "1767322045.5"},
      [&](const LogLine& line) {
        lines.push_back((line.stream == LogLine::Stream::out ? "out " : "err ") + line.timestamp + " " + line.text);
      },
      Cancel::never());
  CHECK(lines == std::vector<std::string>{"out " + t1 + " first", "err " + t2 + " second", "out " + t2 + " last"});
  engine.follow_logs("web", {}, [](const LogLine&) {}, Cancel::never());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);  // the follow, its catch-up (the same stream: nothing new), the plain read
  CHECK(requests[0].target ==
        "/v1.41/containers/web%201/logs?stdout=1&stderr=1&timestamps=1&follow=1&tail=5&since=1767322045.5");
  CHECK(requests[2].target == "/v1.41/containers/web/logs?stdout=1&stderr=1&timestamps=1&follow=0&tail=all");
}

TEST_CASE("engine: after a follow, the lines logged since the last one seen are read once more") {
  // The engine ended the follow before the container's last output without newline was
  // in the log; the second read has it, and lines already delivered again.
  const std::string t1 = "2026-01-02T03:04:05.000000001Z";
  const std::string t2 = "2026-01-02T03:04:05.000000002Z";
  const std::string t3 = "2026-01-02T03:04:05.000000003Z";
  HttpTestServer server([&](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target.find("follow=1") != std::string::npos)
      connection.send(http_response(200, docker_frame(1, t1 + " one\n") + docker_frame(2, t2 + " two\n"),
                                    "application/vnd.docker.raw-stream"));
    else
      connection.send(http_response(
          200, docker_frame(2, t2 + " two\n") + docker_frame(1, t2 + " same time\n") + docker_frame(1, t3 + " last"),
          "application/vnd.docker.raw-stream"));
  });
  DockerEngine engine = engine_for(server);
  std::vector<std::string> lines;
  engine.follow_logs("web", {true, 10, ""}, [&](const LogLine& line) { lines.push_back(line.text); }, Cancel::never());
  CHECK(lines == std::vector<std::string>{"one", "two", "same time", "last"});
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].target ==
        "/v1.41/containers/web/logs?stdout=1&stderr=1&timestamps=1&follow=0&tail=all&since=1767323045.000000002");
}

TEST_CASE("engine: follow_logs of a missing container is a 404 EngineError") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_response(404, R"({"message":"No such container: nope"})"));
  });
  DockerEngine engine = engine_for(server);
  try {
    engine.follow_logs("nope", {}, [](const LogLine&) { FAIL("a line from nowhere"); }, Cancel::never());
    FAIL("no error");
  } catch (const EngineError& error) {
    CHECK(error.status() == 404);
    CHECK(std::string(error.what()) == "logs of container nope: No such container: nope");
  }
}

TEST_CASE("engine: a cancelled follow_logs returns, with the lines that came") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_chunked_head(200, "application/vnd.docker.raw-stream"));
    connection.send(http_chunk(docker_frame(1, "2026-01-02T03:04:05Z hello\n") + docker_frame(1, "2026-01-02T03:04:05Z open")));
    connection.wait_closed(10s);
  });
  DockerEngine engine = engine_for(server);
  Cancel cancel;
  std::vector<std::string> lines;
  {
    CancelLater later(cancel, 100ms);
    engine.follow_logs("web", {true, -1, ""}, [&](const LogLine& line) { lines.push_back(line.text); }, cancel);
  }
  CHECK(lines == std::vector<std::string>{"hello"});  // an open line is not a line yet
}

TEST_CASE("engine: watch_events subscribes, then streams events; a stream that ends is an error") {
  std::atomic<bool> subscribed_before_events{false};
  std::atomic<bool> subscribed{false};
  const std::string start =
      R"({"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"name":"web"}},"timeNano":2})";
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_chunked_head(200, "application/json"));
    // Nothing more until the client has called on_subscribed: it must not wait for an event.
    for (int i = 0; i < 200 && !subscribed; ++i) std::this_thread::sleep_for(5ms);
    subscribed_before_events = subscribed.load();
    connection.send(http_chunk(
        R"({"Type":"container","Action":"create","Actor":{"ID":"c1","Attributes":{"boss.project":"todo"}},"timeNano":1})"
        "\n" + start.substr(0, 30)));
    connection.send(http_chunk(start.substr(30) + "\n" + start + "\n"));  // the engine sent it twice
    connection.send(http_chunk(R"({"Type":"container","Action":"health_status: healthy","Actor":{"ID":"c1"},"timeNano":3})"));
    connection.send(http_chunk(""));
  });
  DockerEngine engine = engine_for(server);
  std::vector<std::string> seen;
  try {
    engine.watch_events(
        {{"boss.project", "todo"}},
        [&](const EngineEvent& event) { seen.push_back(event.action + " " + event.id + " " + std::to_string(event.time_nano)); },
        [&] {
          seen.push_back("subscribed");
          subscribed = true;
        },
        Cancel::never());
    FAIL("the end of the stream went unnoticed");
  } catch (const EngineError& error) {
    CHECK(std::string(error.what()) == "watch engine events: the engine ended the stream");
  }
  CHECK(subscribed_before_events);
  CHECK(seen == std::vector<std::string>{"subscribed", "create c1 1", "start c1 2", "health_status: healthy c1 3"});
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const std::string& target = requests[0].target;
  CHECK(target.rfind("/v1.41/events?since=", 0) == 0);
  CHECK(target.find("&filters=%7B%22label%22%3A%5B%22boss.project%3Dtodo%22%5D%2C%22type%22%3A%5B%22container%22%5D%7D") !=
        std::string::npos);
}

TEST_CASE("engine: a cancelled watch_events returns") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_chunked_head(200, "application/json"));
    connection.wait_closed(10s);
  });
  DockerEngine engine = engine_for(server);
  Cancel cancel;
  bool subscribed = false;
  CancelLater later(cancel, 100ms);
  engine.watch_events({}, [](const EngineEvent&) {}, [&] { subscribed = true; }, cancel);
  CHECK(subscribed);
}

TEST_CASE("engine: pull progress goes to the callback; the first error is the cause; a cancel is Interrupted") {
  std::atomic<bool> stall{false};
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_chunked_head(200, "application/json"));
    connection.send(http_chunk(R"({"status":"Pulling fs layer","id":"a1"})" "\n"
                               R"({"status":"Downloading","progressDetail":{"current":5,"total":10},"id":"a1"})"));
    if (stall) {
      connection.wait_closed(10s);
      return;
    }
    connection.send(http_chunk(R"({"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"})"
                               R"({"error":"a later error"})"));
    connection.send(http_chunk(""));
  });
  DockerEngine engine = engine_for(server);
  std::vector<std::string> steps;
  const ProgressFn progress = [&](const ImageProgress& step) {
    steps.push_back(step.layer + " " + step.status + " " + std::to_string(step.current) + "/" + std::to_string(step.total));
  };
  CHECK_THROWS_WITH_AS(engine.pull_image("busybox", {}, progress, Cancel::never()), "pull image busybox: unexpected EOF",
                       EngineError);
  CHECK(steps == std::vector<std::string>{"a1 Pulling fs layer 0/0", "a1 Downloading 5/10"});
  CHECK(server.requests().at(0).target == "/v1.41/images/create?fromImage=busybox&tag=latest");

  stall = true;
  Cancel cancel;
  CancelLater later(cancel, 100ms);
  CHECK_THROWS_WITH_AS(engine.pull_image("busybox", {}, progress, cancel), "pull image busybox: cancelled", Interrupted);
}

TEST_CASE("engine: pull and push send X-Registry-Auth; a registry's refusal is one line naming it") {
  HttpTestServer server([&](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target.find("/push") != std::string::npos) {
      connection.send(http_chunked_head(200, "application/json"));
      connection.send(http_chunk(R"({"status":"Pushing","progressDetail":{"current":5,"total":10},"id":"l1"})"
                                 R"({"status":"Pushed","progressDetail":{},"id":"l1"})"));
      connection.send(http_chunk(""));
    } else {
      connection.send(http_response(500, R"({"message":"unauthorized: authentication required"})"));
    }
  });
  DockerEngine engine = engine_for(server);
  const RegistryAuth auth{"alice", "pa55word", ""};
  std::vector<std::string> steps;
  engine.push_image("127.0.0.1:5000/team/app:1", auth,
                    [&](const ImageProgress& step) {
                      CHECK(step.kind == ImageProgress::Kind::push);
                      steps.push_back(step.layer + " " + step.status);
                    },
                    Cancel::never());
  CHECK(steps == std::vector<std::string>{"l1 Pushing", "l1 Pushed"});
  try {
    engine.pull_image("127.0.0.1:5000/team/app:1", auth, {}, Cancel::never());
    FAIL("a refused pull succeeded");
  } catch (const EngineError& error) {
    CHECK(std::string(error.what()) ==
          "pull of 127.0.0.1:5000/team/app:1 failed: 127.0.0.1:5000: unauthorized (check the credentials for "
          "127.0.0.1:5000)");
  }
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/v1.41/images/127.0.0.1:5000/team/app/push?tag=1");
  CHECK(requests[1].target == "/v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fteam%2Fapp&tag=1");
  for (const auto& request : requests)
    CHECK(request.headers.at("x-registry-auth") == registry_auth_header(auth, "127.0.0.1:5000").substr(17));
}

TEST_CASE("engine: a stop the signal ended is not a kill, and costs no inspect") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(http_response(204, ""));
  });
  DockerEngine engine = engine_for(server);
  CHECK_FALSE(engine.stop_container("web", 0.2).killed);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/v1.41/containers/web/stop?t=1");
}

TEST_CASE("engine: container_stats asks for one sample; a missing container has none") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target == "/v1.41/containers/web/stats?stream=false&one-shot=true")
      connection.send(http_response(200, R"({"memory_stats": {"usage": 3000, "limit": 9000, "stats": {"total_inactive_file": 1000}}})"));
    else if (request.target == "/v1.41/containers/gone/stats?stream=false&one-shot=true")
      connection.send(http_response(404, R"({"message":"No such container: gone"})"));
    else
      connection.send(http_response(500, R"({"message":"cgroup stats failed"})"));
  });
  DockerEngine engine = engine_for(server);
  const auto stats = engine.container_stats("web", 1s);
  REQUIRE(stats);
  CHECK(stats->memory_usage == 2000);
  CHECK(stats->memory_limit == 9000);
  CHECK_FALSE(engine.container_stats("gone", 1s));
  try {
    engine.container_stats("broken", 1s);
    FAIL("no error");
  } catch (const EngineError& error) {
    CHECK(std::string(error.what()) == "read the stats of container broken: cgroup stats failed");
  }
}

}  // TEST_SUITE
