#include "core/validate.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

namespace {
ServiceSpec svc(const std::string& name, std::vector<std::string> deps = {}, int line = 1) {
  ServiceSpec s;
  s.name = name;
  s.image = "img";
  s.dependencies = std::move(deps);
  s.defined_at = "services.lua:" + std::to_string(line);
  return s;
}
Project project(std::vector<ServiceSpec> services) {
  Project p;
  p.name = "demo";
  p.file = "/x/services.lua";
  p.services = std::move(services);
  return p;
}
}  // namespace

TEST_CASE("validate: names") {
  CHECK(slugify("My App!") == "my-app");
  CHECK(slugify("__") == "boss");
  CHECK(is_valid_hostname("app-db1"));
  CHECK_FALSE(is_valid_hostname("-db"));
  CHECK_FALSE(is_valid_hostname("db_1"));
  CHECK_FALSE(is_valid_hostname(std::string(64, 'a')));
  CHECK(did_you_mean("imgae", {"image", "name", "env"}) == "image");
  CHECK(did_you_mean("zzzzzz", {"image", "name"}).empty());
  CHECK(edit_distance("imgae", "image") == 1);
  CHECK(edit_distance("wbe", "web") == 1);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("validate: a good project passes") {
  CHECK_NOTHROW(validate_project(project({svc("db"), svc("web", {"db"})})));
}

TEST_CASE("validate: each bad definition gets a message naming the thing") {
  CHECK_THROWS_WITH_AS(validate_project(project({svc("db"), svc("db", {}, 7)})),
                       "services.lua:7: service 'db': duplicate service name (first defined at services.lua:1)",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("web_app")})),
                       doctest::Contains("service 'web_app': name is not a valid hostname"), DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("web", {"dbb"}, 3), svc("db")})),
                       "services.lua:3: service 'web': depends on unknown service 'dbb' (did you mean 'db'?)",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("a", {"b"}), svc("b", {"c"}), svc("c", {"a"})})),
                       "dependency cycle: a -> b -> c -> a", DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("a", {"a"})})), doctest::Contains("depends on itself"),
                       DefinitionError);
  auto no_image = svc("x");
  no_image.image = "";
  CHECK_THROWS_WITH_AS(validate_project(project({no_image})), doctest::Contains("field 'image' is missing"),
                       DefinitionError);
  auto bad_signal = svc("x");
  bad_signal.stop_signal = "SIGFOO";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_signal})), doctest::Contains("unknown stop_signal 'SIGFOO'"),
                       DefinitionError);
  auto bad_env = svc("x");
  bad_env.env["A"] = "{oops";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_env})), doctest::Contains("field 'env.A': unterminated"),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({})), doctest::Contains("no services defined"), DefinitionError);
  auto bad_env_key = svc("x");
  bad_env_key.env["A=B"] = "1";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_env_key})), doctest::Contains("invalid variable name 'A=B'"),
                       DefinitionError);
  auto bad_mode = svc("x");
  bad_mode.volumes.push_back({"/a", "/a", "rx", false, ""});
  CHECK_THROWS_WITH_AS(validate_project(project({bad_mode})), doctest::Contains("invalid mode 'rx' for /a"),
                       DefinitionError);
  auto good_mode = svc("x");
  good_mode.volumes.push_back({"/a", "/a", "ro,z", false, ""});
  CHECK_NOTHROW(validate_project(project({good_mode})));
  auto twice = svc("x");
  twice.volumes = {{"/a", "/d", "", false, ""}, {"/b", "/d", "", false, ""}};
  CHECK_THROWS_WITH_AS(validate_project(project({twice})), doctest::Contains("two mounts at /d"), DefinitionError);
  auto bad_image = svc("x");
  bad_image.image = "Bad Image!!";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_image})), doctest::Contains("invalid image reference"),
                       DefinitionError);
  auto no_dir = svc("x");
  no_dir.build_from_directory = "/nonexistent/boss-build";
  CHECK_NOTHROW(validate_project(project({no_dir})));  // checked when a build needs it
  auto a = svc("a"), b = svc("b");
  a.ports = {{80, "tcp", 8080}};
  b.ports = {{81, "tcp", 8080}, {53, "udp", 8080}};
  CHECK_THROWS_WITH_AS(validate_project(project({a, b})),
                       "services.lua:1: service 'b': field 'ports': host port 8080/tcp is already published by service 'a'",
                       DefinitionError);
  b.ports = {{53, "udp", 8080}, {54, "tcp", 0}, {55, "tcp", 0}};
  CHECK_NOTHROW(validate_project(project({a, b})));
  auto p = project({svc("x")});
  p.name = "Bad Name";
  CHECK_THROWS_WITH_AS(validate_project(p), doctest::Contains("invalid project name"), DefinitionError);
}
