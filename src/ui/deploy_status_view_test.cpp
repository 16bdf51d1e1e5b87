#include "ui/deploy_status_view.h"

#include <doctest/doctest.h>

namespace boss {

TEST_CASE("deploy status view: a row per task with its node; a job's row says done; nothing deployed") {
  DeployStatus status;
  status.project = "app";
  status.network = "boss-app-swarm";
  DeployServiceRow web{"web", "w", 15, 2, 2, false, {{"web", 1, "node2", "running", "a81d44c2e9f7", ""},
                                                       {"web", 2, "node3", "failed", "", "no such image"}}};
  DeployServiceRow seed{"seed", "s", 9, 1, 1, true, {{"seed", 0, "node1", "complete", "77e1a0c4d5b3", ""}}};
  DeployServiceRow idle{"idle", "i", 3, 1, 0, false, {}};
  status.services = {web, seed, idle};
  CHECK(render_deploy_status_text(status) ==
        "project app on the swarm (network boss-app-swarm)\n"
        "SERVICE  REPLICAS  VERSION  TASK  NODE   STATE                   CONTAINER\n"
        "web      2/2       15       1     node2  running                 a81d44c2e9f7\n"
        "web      2/2       15       2     node3  failed (no such image)  -\n"
        "seed     1/1 done  9        -     node1  complete                77e1a0c4d5b3\n"
        "idle     0/1       3        -     -      -                       -\n");
  const auto json = deploy_status_json(status);
  CHECK(json["type"] == "deploy-status");
  CHECK(json["services"][0]["tasks"][1]["node"] == "node3");
  CHECK(json["services"][1]["job"] == true);

  status.services.clear();
  CHECK(render_deploy_status_text(status) ==
        "project app: nothing deployed on this swarm (network boss-app-swarm is left)\n");
}

}  // namespace boss
