#include "core/exec_target.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

Project project_with(const std::vector<std::string>& names) {
  Project project;
  for (const auto& name : names) {
    ServiceSpec s;
    s.name = name;
    project.services.push_back(s);
  }
  return project;
}

ContainerInfo container(const std::string& id, const std::string& state, int instance = 0) {
  ContainerInfo c;
  c.id = id;
  c.state = state;
  if (instance > 0) c.labels["boss.instance"] = std::to_string(instance);
  return c;
}

}  // namespace

TEST_CASE("exec target: the service's running container") {
  const Project project = project_with({"db", "web"});
  Observed observed;
  observed.containers["web"] = {container("old", "exited"), container("live", "running")};
  CHECK(exec_target(project, observed, "web", 1) == "live");
}

TEST_CASE("exec target: unknown service, missing instance and a stopped service are one-line errors") {
  const Project project = project_with({"db", "web"});
  Observed observed;
  observed.containers["db"] = {container("c1", "exited")};
  CHECK_THROWS_WITH_AS(exec_target(project, observed, "wbe", 1),
                       "exec: unknown service 'wbe' (did you mean 'web'?)", DefinitionError);
  CHECK_THROWS_WITH_AS(exec_target(project, observed, "db", 2),
                       "exec: service 'db' has one container; --instance 2 does not exist", DefinitionError);
  CHECK_THROWS_WITH_AS(exec_target(project, observed, "db", 1), "service 'db' is not running (boss start db)",
                       NotRunning);
  CHECK_THROWS_AS(exec_target(project, observed, "web", 1), NotRunning);
}

TEST_CASE("exec target: --instance picks a replica by its label") {
  Project project = project_with({"web"});
  project.services[0].instances = 3;
  Observed observed;
  observed.containers["web"] = {container("w1", "running", 1), container("w2", "running", 2),
                                container("w3", "exited", 3), container("w4", "running", 4)};
  CHECK(exec_target(project, observed, "web", 1) == "w1");
  CHECK(exec_target(project, observed, "web", 2) == "w2");
  // A leftover above N that still runs (scaled down by a start not yet run) is reachable.
  CHECK(exec_target(project, observed, "web", 4) == "w4");
  CHECK_THROWS_WITH_AS(exec_target(project, observed, "web", 3), "service 'web-3' is not running (boss start web)",
                       NotRunning);
  CHECK_THROWS_WITH_AS(exec_target(project, observed, "web", 5),
                       "exec: service 'web' has 3 instances; --instance 5 does not exist", DefinitionError);
}

TEST_CASE("exec target: a container without an instance label is instance 1") {
  Project project = project_with({"web"});
  project.services[0].instances = 2;
  Observed observed;
  observed.containers["web"] = {container("old", "running")};
  CHECK(exec_target(project, observed, "web", 1) == "old");
}
