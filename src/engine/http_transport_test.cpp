#include "engine/http_transport.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_SUITE("engine") {

TEST_CASE("engine: DOCKER_HOST unset means the default unix socket") {
  const Endpoint endpoint = parse_docker_host("");
  CHECK(endpoint.kind == Endpoint::Kind::Unix);
  CHECK(endpoint.socket_path == "/var/run/docker.sock");
  CHECK(endpoint.display() == "unix:///var/run/docker.sock");
}

TEST_CASE("engine: DOCKER_HOST unix and tcp forms") {
  const Endpoint unix_endpoint = parse_docker_host("unix:///run/user/1000/podman/podman.sock");
  CHECK(unix_endpoint.kind == Endpoint::Kind::Unix);
  CHECK(unix_endpoint.socket_path == "/run/user/1000/podman/podman.sock");

  const Endpoint tcp = parse_docker_host("tcp://10.0.0.5:2375");
  CHECK(tcp.kind == Endpoint::Kind::Tcp);
  CHECK(tcp.host == "10.0.0.5");
  CHECK(tcp.port == 2375);
  CHECK(tcp.display() == "tcp://10.0.0.5:2375");

  CHECK(parse_docker_host("tcp://docker.local:2376/").host == "docker.local");
}

TEST_CASE("engine: unsupported DOCKER_HOST is a fatal error naming it") {
  CHECK_THROWS_WITH_AS(parse_docker_host("ssh://me@host"),
                       "unsupported DOCKER_HOST 'ssh://me@host': use unix:// or tcp://",
                       FatalError);
  CHECK_THROWS_AS(parse_docker_host("npipe:////./pipe/docker_engine"), FatalError);
  CHECK_THROWS_AS(parse_docker_host("unix://"), FatalError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host"), FatalError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:port"), FatalError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:70000"), FatalError);
  CHECK_THROWS_AS(parse_docker_host("/var/run/docker.sock"), FatalError);
}

TEST_CASE("engine: url and path encoding") {
  CHECK(url_encode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(url_encode("{\"label\":[\"k=v\"]}") == "%7B%22label%22%3A%5B%22k%3Dv%22%5D%7D");
  CHECK(url_encode("a b/c") == "a%20b%2Fc");
  CHECK(path_encode("host:5000/team/app@sha256:ab") == "host:5000/team/app@sha256:ab");
  CHECK(path_encode("a b") == "a%20b");
}

TEST_CASE("engine: an unreachable socket is an EngineError naming the endpoint") {
  HttpTransport transport(parse_docker_host("unix:///nonexistent/boss-test.sock"));
  HttpRequest request;
  request.path = "/_ping";
  try {
    transport.request(request);
    FAIL("request to a missing socket succeeded");
  } catch (const TransportFailure&) {
    FAIL("unreachable engine reported as a transport failure");
  } catch (const EngineError& error) {
    CHECK(error.status() == 0);
    CHECK(std::string(error.what())
              .rfind("cannot reach the docker engine at unix:///nonexistent/boss-test.sock: ", 0) ==
          0);
  }
}

}  // TEST_SUITE
