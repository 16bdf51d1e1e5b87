#include "core/one_off.h"

#include <doctest/doctest.h>

#include "core/plan.h"
#include "core/project_from_labels.h"
#include "testing/fake_engine.h"

using namespace boss;

namespace {

Project todo() {
  Project project;
  project.name = "todo";
  project.dir = "/srv/todo";
  project.file = "/srv/todo/services.lua";
  ServiceSpec db;
  db.name = "db";
  db.image = "postgres:16";
  ServiceSpec web;
  web.name = "web";
  web.image = "todo:dev";
  web.dependencies = {"db"};
  web.env = {{"MODE", "serve"}, {"DB", "db"}};
  web.ports = {{8080, "tcp", 0}};
  web.volumes = {{"/srv/todo/data", "/data", "ro", false, ""}};
  web.cmd = std::vector<std::string>{"serve"};
  web.user = "app";
  project.services = {db, web};
  return project;
}

}  // namespace

TEST_CASE("one-off: its container is the service's definition under its own name, without ports or alias") {
  const Project project = todo();
  const ServiceSpec& web = *project.find("web");
  const DesiredConfig config = desired_config(web, "sha256:1", {});
  OneOffOptions options;
  options.cmd = std::vector<std::string>{"sh", "-c", "env"};
  options.env = {{"MODE", "once"}, {"EXTRA", "1"}};
  const ContainerSpec spec = one_off_spec(project, web, config, options, one_off_name(project, "web", "a1b2c3"));
  CHECK(spec.name == "todo-web-run-a1b2c3");
  CHECK(spec.image == "todo:dev");
  CHECK(spec.cmd == std::vector<std::string>{"sh", "-c", "env"});
  CHECK(spec.env == std::map<std::string, std::string>{{"MODE", "once"}, {"DB", "db"}, {"EXTRA", "1"}});
  CHECK(spec.user == "app");
  CHECK(spec.binds.size() == 1);
  CHECK(spec.network == "boss-todo");
  CHECK(spec.aliases.empty());
  CHECK(spec.hostname.empty());
  CHECK(spec.ports.empty());
  CHECK_FALSE(spec.tty);
  CHECK(spec.labels == Labels{{kLabelProject, "todo"}, {kLabelService, "web"}, {kLabelOneOff, "1"}});

  options = {};
  options.publish = true;
  options.tty = true;
  options.open_stdin = true;
  const ContainerSpec published = one_off_spec(project, web, config, options, "x");
  CHECK(published.cmd == std::vector<std::string>{"serve"});
  CHECK(published.ports.size() == 1);
  CHECK(published.tty);
  CHECK(published.open_stdin);
}

TEST_CASE("one-off: random suffixes are six hex digits") {
  const std::string suffix = random_suffix();
  CHECK(suffix.size() == 6);
  CHECK(suffix.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("one-off: observe and project_from_labels never take one for the service or an orphan") {
  const Project project = todo();
  boss::testing::FakeEngine engine;
  engine.add_image("todo:dev", "sha256:1");
  ContainerSpec service;
  service.name = "todo-web";
  service.image = "todo:dev";
  service.labels = {{kLabelProject, "todo"}, {kLabelService, "web"}};
  const std::string service_id = engine.add_container(service, "running");
  ContainerSpec one_off = service;
  one_off.name = "todo-web-run-abcdef";
  one_off.labels[kLabelOneOff] = "1";
  engine.add_container(one_off, "running");
  ContainerSpec gone = one_off;
  gone.name = "todo-old-run-abcdef";
  gone.labels[kLabelService] = "old";
  engine.add_container(gone, "exited");

  const Observed observed = observe(engine, project, /*images=*/false);
  REQUIRE(observed.of("web").size() == 1);
  CHECK(observed.of("web")[0].id == service_id);
  CHECK(observed.orphans.empty());

  const Project from_labels =
      project_from_labels("todo", "/srv/todo/services.lua", engine.list_containers({{kLabelProject, "todo"}}));
  CHECK(from_labels.names() == std::vector<std::string>{"web"});
}
