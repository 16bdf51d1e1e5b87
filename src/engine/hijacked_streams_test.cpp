#include "engine/hijacked_streams.h"

#include <doctest/doctest.h>

#include "core/cancel.h"
#include "core/errors.h"
#include "engine/docker_engine.h"
#include "testing/docker_frame.h"
#include "testing/http_test_server.h"

using namespace boss;
using boss::testing::docker_frame;
using boss::testing::HttpTestServer;

namespace {

// Everything `streams` sends until its end, as "out:..." / "err:..." pieces joined.
std::string read_all(AttachedStreams& streams) {
  std::string seen;
  while (streams.read([&](LogLine::Stream stream, std::string_view bytes) {
    seen += (stream == LogLine::Stream::err ? "err:" : "out:") + std::string(bytes) + ";";
  })) {
  }
  return seen;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: exec start takes the connection over with an upgrade and demultiplexes what follows") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
                    "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n" +
                    docker_frame(1, "hello\n") + docker_frame(2, "oops\n"));
    connection.close();
  });
  DockerEngine engine(parse_docker_host(server.docker_host()));
  const auto streams = engine.start_exec("e1", /*tty=*/false);
  CHECK(read_all(*streams) == "out:hello\n;err:oops\n;");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.target == "/v1.41/exec/e1/start");
  CHECK(request.headers.at("connection") == "Upgrade");
  CHECK(request.headers.at("upgrade") == "tcp");
  CHECK(request.body == R"({"Detach":false,"Tty":false})");
}

TEST_CASE("engine: with a TTY the output is raw, whatever its first bytes") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(std::string("HTTP/1.1 101 UPGRADED\r\n\r\n") + docker_frame(1, "x"));
    connection.close();
  });
  DockerEngine engine(parse_docker_host(server.docker_host()));
  const auto streams = engine.attach_container("c1", /*stdin=*/true, /*tty=*/true);
  CHECK(read_all(*streams) == "out:" + docker_frame(1, "x") + ";");
  CHECK(server.requests().at(0).target == "/v1.41/containers/c1/attach?stream=1&stdout=1&stderr=1&stdin=1");
}

TEST_CASE("engine: an upgrade the engine refuses is an EngineError with its message and status") {
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_response(404, R"({"message":"No such exec instance: e9"})"));
  });
  DockerEngine engine(parse_docker_host(server.docker_host()));
  try {
    engine.start_exec("e9", false);
    FAIL("start_exec of a missing exec succeeded");
  } catch (const EngineError& error) {
    CHECK(error.status() == 404);
    CHECK(std::string(error.what()) == "start exec e9: No such exec instance: e9");
  }
}

TEST_CASE("engine: resize and wait are plain requests") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_response(
        200, request.target.find("/wait") != std::string::npos ? R"({"StatusCode":42})" : ""));
  });
  DockerEngine engine(parse_docker_host(server.docker_host()));
  engine.resize_exec("e1", 30, 100);
  engine.resize_container("c1", 25, 90);
  CHECK(engine.wait_container("c1", Cancel::never()) == 42);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].target == "/v1.41/exec/e1/resize?h=30&w=100");
  CHECK(requests[1].target == "/v1.41/containers/c1/resize?h=25&w=90");
  CHECK(requests[2].target == "/v1.41/containers/c1/wait?condition=not-running");
}

}
