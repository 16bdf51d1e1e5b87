#include "proxy/upstreams.h"

#include <doctest/doctest.h>

#include "core/one_off.h"
#include "testing/fake_engine.h"

using namespace boss;
using boss::testing::FakeEngine;

namespace {

ContainerInfo running(std::map<std::string, std::string> addresses, std::vector<PublishedPort> ports = {}) {
  ContainerInfo c;
  c.name = "demo-web";
  c.state = "running";
  c.addresses = std::move(addresses);
  c.ports = std::move(ports);
  return c;
}

Project demo() {
  Project p;
  p.name = "demo";
  ServiceSpec web;
  web.name = "web";
  web.image = "img";
  web.http = HttpEndpoint{8080};
  ServiceSpec db;
  db.name = "db";
  db.image = "img";
  p.services = {web, db};
  return p;
}

std::string start(FakeEngine& engine, const std::string& service, int instance, Labels extra = {}) {
  ContainerSpec spec;
  spec.name = "demo-" + service + "-" + std::to_string(instance);
  spec.image = "img";
  spec.network = "boss-demo";
  spec.labels = {{kLabelProject, "demo"}, {kLabelService, service}, {kLabelInstance, std::to_string(instance)}};
  spec.labels.insert(extra.begin(), extra.end());
  const std::string id = engine.create_container(spec);
  engine.start_container(id);
  return id;
}

}  // namespace

TEST_CASE("proxy upstreams: the project network's address, else the published port") {
  CHECK(upstream_of(running({{"boss-demo", "172.18.0.3"}, {"bridge", "172.17.0.2"}}), "boss-demo", 8080) ==
        Upstream{"172.18.0.3", 8080, "demo-web"});
  CHECK(upstream_of(running({{"bridge", "172.17.0.2"}}, {{8080, "tcp", "0.0.0.0", 49153}}), "boss-demo", 8080) ==
        Upstream{"127.0.0.1", 49153, "demo-web"});
  CHECK(upstream_of(running({}, {{8080, "tcp", "::", 49154}}), "boss-demo", 8080) == Upstream{"::1", 49154, "demo-web"});
  CHECK(upstream_of(running({}, {{8080, "tcp", "127.0.0.2", 5000}}), "boss-demo", 8080) ==
        Upstream{"127.0.0.2", 5000, "demo-web"});
  // Another port, UDP, or a container that does not run: nowhere to send a request.
  CHECK_FALSE(upstream_of(running({}, {{9090, "tcp", "", 49155}, {8080, "udp", "", 49156}}), "boss-demo", 8080));
  ContainerInfo stopped = running({{"boss-demo", "172.18.0.3"}});
  stopped.state = "exited";
  CHECK_FALSE(upstream_of(stopped, "boss-demo", 8080));
}

TEST_CASE("proxy upstreams: a service's running containers in turn, one-offs never") {
  FakeEngine engine;
  engine.add_image("img", "sha256:1");
  const Project project = demo();
  UpstreamFinder finder(engine, project);
  const auto problem = finder.find("web");
  REQUIRE(std::holds_alternative<std::string>(problem));
  CHECK(std::get<std::string>(problem) == "service 'web' is not running (boss start web)");
  CHECK(std::get<std::string>(finder.find("db")) == "service 'db' has no http field");

  finder.forget("web");
  start(engine, "web", 2);
  start(engine, "web", 1);
  start(engine, "web", 3, {{kLabelOneOff, "1"}});
  start(engine, "db", 1);
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) seen.push_back(std::get<Upstream>(finder.find("web")).container);
  CHECK(seen == std::vector<std::string>{"demo-web-1", "demo-web-2", "demo-web-1"});
  CHECK(std::get<Upstream>(finder.find("web")).port == 8080);
}

TEST_CASE("proxy upstreams: what the engine said is kept for the ttl, then asked again") {
  FakeEngine engine;
  engine.add_image("img", "sha256:1");
  const Project project = demo();
  UpstreamFinder finder(engine, project, std::chrono::hours(1));
  CHECK(std::holds_alternative<std::string>(finder.find("web")));
  start(engine, "web", 1);
  const auto calls = engine.calls().size();
  CHECK(std::holds_alternative<std::string>(finder.find("web")));  // still the answer it had
  CHECK(engine.calls().size() == calls);
  finder.forget("web");
  CHECK(std::get<Upstream>(finder.find("web")).container == "demo-web-1");
}
