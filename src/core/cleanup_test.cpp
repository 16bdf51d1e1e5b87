#include "core/cleanup.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

using Names = std::vector<std::string>;

ContainerInfo container(const std::string& id, const std::string& name, const std::string& state,
                        const std::string& image_id = "sha256:base", Names volumes = {}) {
  ContainerInfo c;
  c.id = id;
  c.name = name;
  c.state = state;
  c.image_id = image_id;
  c.volumes = std::move(volumes);
  return c;
}

Project demo() {
  Project p;
  p.name = "demo";
  ServiceSpec web;
  web.name = "web";
  web.image = "web:dev";
  p.services = {web};
  return p;
}

}  // namespace

TEST_CASE("prune: exited orphans go, running ones stay; images and volumes only when asked and unused") {
  const Project p = demo();
  Observed observed;
  observed.containers["web"] = {container("w1", "demo-web", "running", "sha256:web", {"demo_data"})};
  observed.orphans = {container("o1", "demo-old", "exited", "sha256:old", {"demo_old"}),
                      container("o2", "demo-job", "running", "sha256:job"),
                      container("o3", "demo-dead", "created")};
  observed.one_offs = {container("r1", "demo-web-run-a1", "exited", "sha256:oneoff"),
                       container("r2", "demo-web-run-b2", "running", "sha256:web")};
  CleanupObserved cleanup;
  cleanup.all_containers = {observed.containers["web"][0], observed.orphans[0], observed.orphans[1],
                            observed.orphans[2], observed.one_offs[0], observed.one_offs[1],
                            container("x", "other-project", "exited", "sha256:shared")};
  // oneoff's only user is an exited one-off, pruned with it.
  ImageSummary web{"sha256:web", {"web:dev"}, {}}, old{"sha256:old", {"old:1", "old:latest"}, {}},
      oneoff{"sha256:oneoff", {"oneoff:1"}, {}},
      dangling{"sha256:dangling", {}, {}}, shared{"sha256:shared", {"shared:1"}, {}};
  cleanup.images = {web, old, oneoff, dangling, shared};
  cleanup.volumes = {{"demo_data", {}}, {"demo_old", {}}, {"demo_spare", {}}};

  const Plan plain = plan_prune(p, observed, cleanup, false, false);
  CHECK(plain.command == "prune");
  CHECK(plain.stops());
  CHECK(plain.services.empty());
  CHECK(plain.remove_orphans == Names{"demo-old", "demo-dead"});
  CHECK(plain.remove_one_offs == Names{"demo-web-run-a1"});  // an exited one-off; the running one stays
  CHECK(plain.remove_images.empty());
  CHECK(plain.remove_volumes.empty());
  CHECK(plain.remove_networks.empty());
  CHECK_FALSE(plain.remove_state);

  const Plan all = plan_prune(p, observed, cleanup, true, true);
  // old's only user is pruned with it; shared is used by another project's container.
  CHECK(all.remove_images == Names{"old:1", "old:latest", "oneoff:1", "sha256:dangling"});
  CHECK(all.remove_volumes == Names{"demo_old", "demo_spare"});
}

TEST_CASE("down: stop --remove of everything, orphans, one-offs and network; volumes only with --volumes") {
  const Project p = demo();
  Observed observed;
  observed.network_name = "boss-demo";
  observed.containers["web"] = {container("w1", "demo-web", "running")};
  observed.orphans = {container("o1", "demo-old", "running")};
  observed.one_offs = {container("r1", "demo-web-run-a1b2c3", "exited")};
  observed.networks = {{"n1", "boss-demo", {}}};
  CleanupObserved cleanup;
  cleanup.volumes = {{"demo_data", {}}};
  const Plan plan = plan_down(p, {"web"}, observed, cleanup, false);
  CHECK(plan.command == "down");
  REQUIRE(plan.services.size() == 1);
  CHECK(plan.services[0].kind == ActionKind::remove);
  CHECK(plan.remove_orphans == Names{"demo-old"});
  CHECK(plan.remove_one_offs == Names{"demo-web-run-a1b2c3"});  // boss run --keep's
  CHECK(plan.remove_networks == Names{"boss-demo"});
  CHECK(plan.remove_state);
  CHECK(plan.remove_volumes.empty());
  CHECK(plan_down(p, {"web"}, observed, cleanup, true).remove_volumes == Names{"demo_data"});
}
