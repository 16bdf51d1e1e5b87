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

ContainerInfo container(const std::string& id, const std::string& state) {
  ContainerInfo c;
  c.id = id;
  c.state = state;
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
