#include "core/sidecars.h"

#include <doctest/doctest.h>

#include "core/errors.h"
#include "core/one_off.h"
#include "core/validate.h"

namespace boss {
namespace {

ServiceSpec service(const std::string& name, bool job = false) {
  ServiceSpec s;
  s.name = name;
  s.image = "busybox";
  s.is_job = job;
  s.defined_at = "services.lua:1";
  return s;
}

Project project_of(std::vector<ServiceSpec> services) {
  Project p;
  p.name = "p";
  p.services = std::move(services);
  return p;
}

}  // namespace

TEST_CASE("sidecars: the services jobs name move out of the services, their dependencies to the jobs") {
  ServiceSpec load = service("load", true);
  load.sidecars = {"cache"};
  ServiceSpec cache = service("cache");
  cache.dependencies = {"db"};
  Project p = project_of({service("db"), cache, load});
  separate_sidecars(p);
  CHECK(p.names() == std::vector<std::string>{"db", "load"});
  REQUIRE(p.sidecars.size() == 1);
  CHECK(p.sidecars[0].name == "cache");
  CHECK(p.find("load")->dependencies == std::vector<std::string>{"db"});
  CHECK_NOTHROW(validate_project(p));
}

TEST_CASE("sidecars: bad names are one line naming the job and the field") {
  ServiceSpec load = service("load", true);
  load.sidecars = {"cahce"};
  Project p = project_of({service("cache"), load});
  CHECK_THROWS_WITH_AS(separate_sidecars(p),
                       "services.lua:1: service 'load': field 'sidecars': no service named 'cahce' (did you mean 'cache'?)",
                       DefinitionError);
  load.sidecars = {"other"};
  p = project_of({service("other", true), load});
  CHECK_THROWS_WITH_AS(separate_sidecars(p),
                       doctest::Contains("service 'load': field 'sidecars': 'other' is a job"), DefinitionError);
  ServiceSpec web = service("web");
  web.sidecars = {"cache"};
  p = project_of({web});
  p.sidecars = {service("cache")};
  CHECK_THROWS_WITH_AS(validate_project(p), doctest::Contains("service 'web': field 'sidecars': only a job has sidecars"),
                       DefinitionError);
  ServiceSpec user = service("user");
  user.dependencies = {"cache"};
  load.sidecars = {"cache"};
  p = project_of({user, load});
  p.sidecars = {service("cache")};
  CHECK_THROWS_WITH_AS(validate_project(p), doctest::Contains("service 'user': depends on 'cache', a sidecar"),
                       DefinitionError);
  p = project_of({service("cache"), load});
  p.sidecars = {service("cache")};
  CHECK_THROWS_WITH_AS(validate_project(p), doctest::Contains("sidecar name taken by service 'cache'"), DefinitionError);
}

TEST_CASE("sidecars: a sidecar's container answers to its name, labelled as a one-off of its job") {
  Project p = project_of({});
  ServiceSpec cache = service("cache");
  cache.restart = "always";
  DesiredConfig config;
  config.restart = "always";
  const ContainerSpec c = sidecar_container_spec(p, "load", cache, config);
  CHECK(c.name == "p-load-cache");
  CHECK(c.aliases == std::vector<std::string>{"cache"});
  CHECK(c.hostname == "cache");
  CHECK(c.network == "boss-p");
  CHECK(c.restart.name.empty());
  CHECK(is_one_off(c.labels));
  CHECK(c.labels.at(kLabelSidecarOf) == "load");
  CHECK(c.labels.at(kLabelService) == "cache");
  CHECK(sidecar_labels(p, "load") == Labels{{kLabelProject, "p"}, {kLabelSidecarOf, "load"}});
}

}  // namespace boss
