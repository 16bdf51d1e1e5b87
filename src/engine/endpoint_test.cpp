#include "engine/endpoint.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

TEST_SUITE("engine") {

TEST_CASE("endpoint: DOCKER_HOST unset means the default unix socket") {
  const Endpoint endpoint = parse_docker_host("");
  CHECK(endpoint.kind == Endpoint::Kind::Unix);
  CHECK(endpoint.socket_path == "/var/run/docker.sock");
  CHECK(endpoint.display() == "unix:///var/run/docker.sock");
  CHECK(endpoint_host(endpoint).empty());
}

TEST_CASE("endpoint: unix and tcp forms; tcp's default port follows TLS") {
  const Endpoint unix_endpoint = parse_docker_host("unix:///run/user/1000/podman/podman.sock");
  CHECK(unix_endpoint.kind == Endpoint::Kind::Unix);
  CHECK(unix_endpoint.socket_path == "/run/user/1000/podman/podman.sock");

  const Endpoint tcp = parse_docker_host("tcp://10.0.0.5:2375");
  CHECK(tcp.kind == Endpoint::Kind::Tcp);
  CHECK(tcp.host == "10.0.0.5");
  CHECK(tcp.port == 2375);
  CHECK(!tcp.tls);
  CHECK(tcp.display() == "tcp://10.0.0.5:2375");
  CHECK(endpoint_host(tcp) == "10.0.0.5");

  CHECK(parse_docker_host("tcp://docker.local:2376/").host == "docker.local");
  CHECK(parse_docker_host("tcp://docker.local").port == 2375);
  const Endpoint tls = parse_docker_host("tcp://docker.local", TlsFiles{"/c/ca.pem", "", "", true});
  CHECK(tls.port == 2376);
  REQUIRE(tls.tls);
  CHECK(tls.tls->ca == "/c/ca.pem");
  const Endpoint v6 = parse_docker_host("tcp://[fd00::5]:2376");
  CHECK(v6.host == "fd00::5");
  CHECK(v6.display() == "tcp://[fd00::5]:2376");
}

TEST_CASE("endpoint: ssh forms") {
  const Endpoint plain = parse_docker_host("ssh://host.example");
  CHECK(plain.kind == Endpoint::Kind::Ssh);
  CHECK(plain.host == "host.example");
  CHECK(plain.user.empty());
  CHECK(plain.port == 0);
  CHECK(plain.display() == "ssh://host.example");

  const Endpoint full = parse_docker_host("ssh://me@10.0.0.5:2222");
  CHECK(full.user == "me");
  CHECK(full.host == "10.0.0.5");
  CHECK(full.port == 2222);
  CHECK(full.display() == "ssh://me@10.0.0.5:2222");
  CHECK(endpoint_host(full) == "10.0.0.5");
}

TEST_CASE("endpoint: anything else is one line naming where it came from") {
  CHECK_THROWS_WITH_AS(parse_docker_host("npipe:////./pipe/docker_engine"),
                       "unsupported DOCKER_HOST 'npipe:////./pipe/docker_engine': use unix:///path, "
                       "tcp://host[:port] or ssh://[user@]host[:port]",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(parse_docker_host("ssh://me@host/path", std::nullopt, "-H"),
                       "unsupported -H 'ssh://me@host/path': ssh:// takes [user@]host[:port] and no path",
                       DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("unix://"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("tcp://"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:port"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:70000"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("/var/run/docker.sock"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("ssh://@host"), DefinitionError);
  CHECK_THROWS_AS(parse_docker_host("ssh://-oProxyCommand=x"), DefinitionError);
}

}  // TEST_SUITE
