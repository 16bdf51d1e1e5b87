#include "ui/plan_view.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

Project project() {
  Project p;
  p.name = "todo";
  p.dir = "/src/todo";
  ServiceSpec db;
  db.name = "appdb";
  db.image = "postgres:16";
  ServiceSpec app;
  app.name = "todo";
  app.image = "todo:dev";
  ServiceSpec cache;
  cache.name = "cache";
  cache.image = "redis:7";
  p.services = {db, app, cache};
  return p;
}

Decision decision(const std::string& service, ActionKind kind, const std::string& reason,
                  Decision::Image image = Decision::Image::present) {
  Decision d;
  d.service = service;
  d.kind = kind;
  d.reason = reason;
  d.image = image;
  return d;
}

}  // namespace

TEST_CASE("plan view: aligned lines, images to fetch, project-wide steps") {
  Plan plan;
  plan.command = "start";
  plan.project = "todo";
  plan.create_network = true;
  plan.services = {decision("appdb", ActionKind::create, "no container", Decision::Image::pull),
                   decision("todo", ActionKind::recreate, "env USER_ID changed", Decision::Image::build),
                   decision("cache", ActionKind::keep, "running, unchanged")};
  plan.remove_orphans = {"todo-old"};
  CHECK(render_plan_text(plan, project()) ==
        "create    network boss-todo   does not exist yet\n"
        "create    appdb               no container (will pull postgres:16)\n"
        "recreate  todo                env USER_ID changed (will build todo:dev)\n"
        "keep      cache               running, unchanged\n"
        "remove    container todo-old  service no longer defined\n");
}

TEST_CASE("plan view: the services alone read as render_plan always did") {
  Plan plan;
  plan.services = {decision("web", ActionKind::create, "no container"), decision("db", ActionKind::start, "exited, unchanged")};
  CHECK(render_plan_text(plan, project()) ==
        "create  web  no container\n"
        "start   db   exited, unchanged\n");
  Plan stop;
  stop.services = {decision("web", ActionKind::remove, "")};
  stop.remove_networks = {"boss-todo"};
  stop.remove_state = true;
  CHECK(render_plan_text(stop, project()) ==
        "remove  web\n"
        "remove  network boss-todo\n"
        "remove  saved state        /src/todo/.boss/todo\n");
}

TEST_CASE("plan view: one JSON document") {
  Plan plan;
  plan.command = "start";
  plan.project = "todo";
  auto d = decision("todo", ActionKind::recreate, "env USER_ID changed", Decision::Image::build);
  d.container_id = "c1";
  d.remove = {"c1"};
  plan.services = {d};
  const auto j = plan_json(plan, project());
  CHECK(j.dump() ==
        R"({"v":1,"type":"plan","command":"start","project":"todo","network":"boss-todo","create_network":false,)"
        R"("services":[{"service":"todo","action":"recreate","reason":"env USER_ID changed","container":"c1",)"
        R"("image":"build","image_ref":"todo:dev","remove":["c1"],"stop":[]}],)"
        R"("remove_networks":[],"remove_orphans":[],"remove_one_offs":[],"remove_volumes":[],"remove_images":[],"inactive":[],"on_demand":[],)"
        R"("remove_state":false})");
}

TEST_CASE("plan view: down and prune steps, services left out for their profiles") {
  Project p = project();
  p.services[2].profiles = {"cache", "ops"};
  Plan plan;
  plan.command = "prune";
  plan.project = "todo";
  plan.remove_orphans = {"todo-old"};
  plan.remove_volumes = {"todo_data"};
  plan.remove_images = {"todo:dev"};
  plan.inactive = {"cache"};
  plan.on_demand = {"web"};
  CHECK(render_plan_text(plan, p) ==
        "remove  container todo-old  service no longer defined\n"
        "remove  volume todo_data    named volume\n"
        "remove  image todo:dev      built by boss, used by no container\n"
        "skip    cache               profile not active (cache, ops)\n"
        "skip    web                 on demand (boss proxy starts it on its first request; name it to start it)\n");
  const Json j = plan_json(plan, p);
  CHECK(j["command"] == "prune");
  CHECK(j["remove_volumes"] == Json::array({"todo_data"}));
  CHECK(j["remove_images"] == Json::array({"todo:dev"}));
  CHECK(j["inactive"] == Json::array({"cache"}));
  CHECK(j["on_demand"] == Json::array({"web"}));
}

TEST_CASE("plan view: a service on a declared engine names it, in text and JSON") {
  Project p = project();
  p.services[0].engine = "edge";
  Plan plan;
  plan.services = {decision("appdb", ActionKind::create, "no container"), decision("todo", ActionKind::create, "no container")};
  CHECK(render_plan_text(plan, p) ==
        "create  appdb (edge)  no container\n"
        "create  todo          no container\n");
  const auto j = plan_json(plan, p);
  CHECK(j["services"][0].at("engine") == "edge");
  CHECK_FALSE(j["services"][1].contains("engine"));
}
