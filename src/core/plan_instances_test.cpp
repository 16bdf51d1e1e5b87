// Planning for services with `instances = N`: one decision per instance, the others
// untouched when N changes, the highest removed first.
#include "core/plan.h"

#include <doctest/doctest.h>

#include "core/instances.h"
#include "testing/fake_engine.h"

using namespace boss;

namespace {

// A project "demo" with one service "web" (busybox) on a fake engine.
struct Replicas {
  testing::FakeEngine engine;
  Project project;

  explicit Replicas(int instances) {
    engine.add_image("busybox", "sha256:1");
    project.name = "demo";
    ServiceSpec web;
    web.name = "web";
    web.image = "busybox";
    web.instances = instances;
    project.services = {web};
  }
  // A running container of `web` as a start of today's definition made it; `number` 0:
  // without the instance label (made before replicas existed).
  std::string add(int number, const std::string& state = "running") {
    ContainerSpec c;
    c.name = "demo-web-" + std::to_string(number);
    c.image = "busybox";
    const auto config = desired_config(project.services[0], "sha256:1", {});
    c.labels = {{kLabelProject, "demo"}, {kLabelService, "web"}, {kLabelConfigHash, config.hash()},
                {kLabelConfig, config.canonical()}};
    if (number > 0) c.labels[kLabelInstance] = std::to_string(number);
    return engine.add_container(c, state);
  }
  Plan start() {
    const std::vector<std::string> order{"web"};
    const std::map<std::string, std::string> context;
    const auto observed = observe(engine, project);
    return plan_start({project, order, observed, context, {}, {}, {}, {}, {}});
  }
};

// "keep web-1, create web-3, ..." in plan order.
std::string summary(const Plan& plan) {
  std::string out;
  for (const auto& d : plan.services)
    out += (out.empty() ? "" : ", ") + std::string(action_name(d.kind)) + " " + instance_host(d.service, d.instance);
  return out;
}

}  // namespace

TEST_CASE("instances: labels, numbers and names") {
  CHECK(instance_of({}) == 1);
  CHECK(instance_of({{kLabelInstance, "3"}}) == 3);
  CHECK(instance_of({{kLabelInstance, "x"}}) == 1);
  CHECK(instance_of({{kLabelInstance, "0"}}) == 1);
  CHECK(shown_instance(1, 1) == 0);
  CHECK(shown_instance(1, 2) == 2);  // a leftover above N = 1 is still told apart
  CHECK(shown_instance(3, 1) == 1);
  CHECK(instance_number(0) == 1);
  CHECK(instance_host("web", 0) == "web");
  CHECK(instance_host("web", 2) == "web-2");
  CHECK(instance_key("web", 0) == "web");
  CHECK(instance_key("web", 2) == "web#2");
}

TEST_CASE("plan instances: N = 3 from nothing creates instances 1, 2 and 3") {
  Replicas r(3);
  const auto plan = r.start();
  CHECK(summary(plan) == "create web-1, create web-2, create web-3");
  CHECK(plan.services[1].instance == 2);
  CHECK(r.engine.mutations().empty());
}

TEST_CASE("plan instances: scaling up keeps the instances there, with their containers") {
  Replicas r(4);
  const auto one = r.add(1), two = r.add(2);
  const auto plan = r.start();
  CHECK(summary(plan) == "keep web-1, keep web-2, create web-3, create web-4");
  CHECK(plan.services[0].container_id == one);
  CHECK(plan.services[1].container_id == two);
  CHECK(plan.services[0].remove.empty());
  CHECK(plan.services[1].remove.empty());
}

TEST_CASE("plan instances: scaling down removes the highest, first, and leaves the others alone") {
  Replicas r(2);
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i) ids.push_back(r.add(i, i == 4 ? "exited" : "running"));
  const auto plan = r.start();
  CHECK(summary(plan) == "keep web-1, keep web-2, remove web-5, remove web-4, remove web-3");
  CHECK(plan.services[0].container_id == ids[0]);
  CHECK(plan.services[1].container_id == ids[1]);
  CHECK(plan.services[2].reason == "instances = 2: scaled down");
  CHECK(plan.services[2].stop == std::vector<std::string>{ids[4]});
  CHECK(plan.services[2].remove == std::vector<std::string>{ids[4]});
  CHECK(plan.services[3].stop.empty());  // exited: removed only
  CHECK(plan.services[3].remove == std::vector<std::string>{ids[3]});
  // Each becomes a stop and a remove for the executor.
  CHECK(steps_for(plan.services[2], r.project.services[0]) ==
        std::vector<Step>{{StepKind::stop, ids[4]}, {StepKind::remove, ids[4]}});
}

TEST_CASE("plan instances: a single container reads as before; one without a label is instance 1") {
  Replicas r(1);
  const auto old = r.add(0);
  auto plan = r.start();
  CHECK(summary(plan) == "keep web");
  CHECK(plan.services[0].instance == 0);
  CHECK(plan.services[0].container_id == old);
  // 1 -> 2: the single container stays as instance 1, and instance 2 is added.
  r.project.services[0].instances = 2;
  plan = r.start();
  CHECK(summary(plan) == "keep web-1, create web-2");
  CHECK(plan.services[0].container_id == old);
}

TEST_CASE("plan instances: a changed definition recreates every instance; reload forces them all") {
  Replicas r(2);
  r.add(1);
  r.add(2);
  r.project.services[0].env["A"] = "1";
  CHECK(summary(r.start()) == "recreate web-1, recreate web-2");
  r.project.services[0].env.clear();
  const std::vector<std::string> order{"web"};
  const std::map<std::string, std::string> context;
  const auto observed = observe(r.engine, r.project);
  const auto plan = plan_start({r.project, order, observed, context, {}, {}, {"web"}, {}, {}});
  CHECK(summary(plan) == "recreate web-1, recreate web-2");
  CHECK(plan.services[1].reason == "reload");
}

TEST_CASE("plan instances: the journal is per instance") {
  Replicas r(2);
  r.add(1);
  const auto two = r.add(2);
  const std::vector<std::string> order{"web"};
  const std::map<std::string, std::string> context;
  const auto observed = observe(r.engine, r.project);
  const auto plan =
      plan_start({r.project, order, observed, context, {}, {{"web#2", {two, "post_start"}}}, {}, {}, {}});
  CHECK(summary(plan) == "keep web-1, recreate web-2");
  CHECK(plan.services[1].reason == "did not finish starting last time");
}

TEST_CASE("plan instances: a stop decides per instance") {
  Replicas r(3);
  const auto one = r.add(1), two = r.add(2, "exited"), three = r.add(3);
  const auto observed = observe(r.engine, r.project, false);
  auto plan = plan_stop(r.project, {"web"}, observed, false, false);
  CHECK(summary(plan) == "stop web-1, none web-2, stop web-3");
  CHECK(plan.services[2].stop == std::vector<std::string>{three});
  plan = plan_stop(r.project, {"web"}, observed, true, false);
  CHECK(summary(plan) == "remove web-1, remove web-2, remove web-3");
  CHECK(plan.services[0].remove == std::vector<std::string>{one});
  CHECK(plan.services[1].remove == std::vector<std::string>{two});
}
