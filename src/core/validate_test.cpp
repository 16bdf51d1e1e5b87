#include "core/validate.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/errors.h"
#include "testing/temp_path.h"

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
}

TEST_CASE("validate: service names as compose and copili write them") {
  CHECK(is_valid_service_name("dataloader_01"));
  CHECK(is_valid_service_name("api.v2"));
  CHECK(is_valid_service_name("Web-1_x.y"));
  CHECK_FALSE(is_valid_service_name(""));
  CHECK_FALSE(is_valid_service_name("_db"));
  CHECK_FALSE(is_valid_service_name(".db"));
  CHECK_FALSE(is_valid_service_name("-db"));
  CHECK_FALSE(is_valid_service_name("db#1"));
  CHECK_FALSE(is_valid_service_name("db/1"));
  CHECK_FALSE(is_valid_service_name(std::string(64, 'a')));
  CHECK(hostname_for("dataloader_01") == "dataloader-01");
  CHECK(hostname_for("api.v2-3") == "api-v2-3");
  CHECK(hostname_for("web_") == "web");
  CHECK(hostname_for("web-2") == "web-2");
  CHECK(is_valid_hostname(hostname_for("a_b.c_d")));
  CHECK(edit_distance("imgae", "image") == 1);
  CHECK(edit_distance("wbe", "web") == 1);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("validate: did_you_mean suggests only close names") {
  const std::vector<std::string> fields = {"name", "image", "env", "ports", "restart", "pre_start", "ping",
                                           "post_start", "dependencies", "user", "cmd"};
  // Good suggestions: a typo, a swap, a wrong case, a missing underscore.
  CHECK(did_you_mean("imgae", fields) == "image");
  CHECK(did_you_mean("dependecies", fields) == "dependencies");
  CHECK(did_you_mean("Image", fields) == "image");
  CHECK(did_you_mean("poststart", fields) == "post_start");
  CHECK(did_you_mean("pign", fields) == "ping");
  CHECK(did_you_mean("restrat", fields) == "restart");
  CHECK(did_you_mean("dbb", {"db", "web"}) == "db");
  CHECK(did_you_mean("wbe", {"db", "web"}) == "web");
  CHECK(did_you_mean("usr", {"user"}) == "user");
  CHECK(did_you_mean("envs", {"env"}) == "env");
  // Bad ones, which the old rule (a third of the word, at least 2) made.
  CHECK(did_you_mean("restart", {"pre_start", "post_start"}).empty());
  CHECK(did_you_mean("cpu", {"cmd", "user"}).empty());
  CHECK(did_you_mean("volume_list", {"volumes"}).empty());
  CHECK(did_you_mean("a", {"b", "db"}).empty());
  CHECK(did_you_mean("zzzzzz", fields).empty());
  CHECK(did_you_mean("", fields).empty());
  // The closest wins; on a tie, the first.
  CHECK(did_you_mean("abcdefgh", {"abcdefxy", "abcdefgx"}) == "abcdefgx");
  CHECK(did_you_mean("ab", {"ac", "ad"}) == "ac");
  CHECK(is_close_name("PING", "ping"));
  CHECK_FALSE(is_close_name("pingpong", "ping"));
}

TEST_CASE("validate: a good project passes") {
  CHECK_NOTHROW(validate_project(project({svc("db"), svc("web", {"db"})})));
}

TEST_CASE("validate: each bad definition gets a message naming the thing") {
  CHECK_THROWS_WITH_AS(validate_project(project({svc("db"), svc("db", {}, 7)})),
                       "services.lua:7: service 'db': duplicate service name (first defined at services.lua:1)",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("_web")})),
                       doctest::Contains("service '_web': name is not a valid service name"), DefinitionError);
  CHECK_THROWS_WITH_AS(validate_project(project({svc("web app")})),
                       doctest::Contains("service 'web app': name is not a valid service name"), DefinitionError);
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
  auto boss_label = svc("x", {}, 5);
  boss_label.labels = {{"boss.service", "y"}};
  CHECK_THROWS_WITH_AS(validate_project(project({boss_label})),
                       "services.lua:5: service 'x': field 'labels': label 'boss.service' is boss's own "
                       "(boss.* labels are how boss finds its containers)",
                       DefinitionError);
  auto relative_dir = svc("x", {}, 6);
  relative_dir.working_dir = "app";
  CHECK_THROWS_WITH_AS(validate_project(project({relative_dir})),
                       "services.lua:6: service 'x': field 'working_dir' must be an absolute path in the container, got 'app'",
                       DefinitionError);
  auto bad_restart = svc("x", {}, 4);
  bad_restart.restart = "sometimes";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_restart})),
                       "services.lua:4: service 'x': field 'restart': unknown policy 'sometimes' "
                       "(use no, always, unless-stopped, on-failure or on-failure:N)",
                       DefinitionError);
  for (const char* good : {"no", "always", "unless-stopped", "on-failure", "on-failure:5"}) {
    auto restart = svc("x");
    restart.restart = good;
    CHECK_NOTHROW(validate_project(project({restart})));
  }
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
  auto colon = svc("x");
  colon.volumes = {{"/a:b", "/d", "", false, ""}};
  CHECK_THROWS_WITH_AS(validate_project(project({colon})),
                       doctest::Contains("field 'volumes': the path '/a:b' is empty or holds ':'"), DefinitionError);
  auto bad_image = svc("x");
  bad_image.image = "Bad Image!!";
  CHECK_THROWS_WITH_AS(validate_project(project({bad_image})), doctest::Contains("invalid image reference"),
                       DefinitionError);
  auto no_dir = svc("x");
  no_dir.build_from_directory = "/nonexistent/boss-build";
  CHECK_NOTHROW(validate_project(project({no_dir})));  // checked by check_build_contexts
  auto a = svc("a"), b = svc("b");
  a.ports = {{80, "tcp", 8080}};
  b.ports = {{81, "tcp", 8080}, {53, "udp", 8080}};
  CHECK_THROWS_WITH_AS(validate_project(project({a, b})),
                       "services.lua:1: service 'b': field 'ports': host port 8080/tcp is already published by service 'a'",
                       DefinitionError);
  b.ports = {{53, "udp", 8080}, {54, "tcp", 0}, {55, "tcp", 0}};
  CHECK_NOTHROW(validate_project(project({a, b})));
  auto replicas = svc("web");
  replicas.instances = 3;
  replicas.ports = {{80, "tcp", 0}};
  CHECK_NOTHROW(validate_project(project({replicas, svc("web-4")})));
  CHECK_THROWS_WITH_AS(validate_project(project({replicas, svc("web-2", {}, 9)})),
                       "services.lua:1: service 'web': field 'instances': instance 2 answers to 'web-2', which is "
                       "the name of another service (defined at services.lua:9)",
                       DefinitionError);
  replicas.ports = {{80, "tcp", 8080}};
  CHECK_THROWS_WITH_AS(validate_project(project({replicas})),
                       "services.lua:1: service 'web': field 'ports': host port 8080/tcp cannot be published by 3 "
                       "instances: use host port 0 (any free port)",
                       DefinitionError);
  // With addresses: one port on two addresses is fine; on an address and on all, not.
  a.ports = {{80, "tcp", 8080, "127.0.0.1"}, {81, "tcp", 8081, "::1"}};
  b.ports = {{80, "tcp", 8080, "127.0.0.2"}, {81, "tcp", 8081, "0.0.0.0"}, {82, "tcp", 0, "127.0.0.1"}};
  CHECK_NOTHROW(validate_project(project({a, b})));
  b.ports = {{80, "tcp", 8080}};
  CHECK_THROWS_WITH_AS(validate_project(project({a, b})),
                       "services.lua:1: service 'b': field 'ports': host port 8080/tcp is already published by service 'a'",
                       DefinitionError);
  b.ports = {{80, "tcp", 8081, "::"}};
  CHECK_THROWS_WITH_AS(validate_project(project({a, b})),
                       "services.lua:1: service 'b': field 'ports': host port [::]:8081/tcp is already published by service 'a'",
                       DefinitionError);
  b.ports = {{90, "tcp", 8080, "0.0.0.0"}};
  CHECK_THROWS_WITH_AS(validate_project(project({a, b})), doctest::Contains("host port 0.0.0.0:8080/tcp"),
                       DefinitionError);
  auto p = project({svc("x")});
  p.name = "Bad Name";
  CHECK_THROWS_WITH_AS(validate_project(p), doctest::Contains("invalid project name"), DefinitionError);
}

TEST_CASE("validate: two http services may not share a host name") {
  auto a = svc("api_v2", {}, 3), b = svc("API-v2", {}, 8), c = svc("api-v3");
  a.http = b.http = c.http = HttpEndpoint{80};
  CHECK_NOTHROW(validate_project(project({a, c})));
  CHECK_THROWS_WITH_AS(validate_project(project({a, b, c})),
                       "services.lua:8: service 'API-v2': field 'http': its host name 'api-v2' is also service "
                       "'api_v2''s (rename one of them)",
                       DefinitionError);
  b.http.reset();  // only http services are routed by host
  CHECK_NOTHROW(validate_project(project({a, b, c})));
}

TEST_CASE("validate: build folders and Dockerfiles of the services that start must exist") {
  namespace fs = std::filesystem;
  const fs::path root = boss::testing::unique_temp_path("boss-validate-");
  fs::create_directories(root / "web");
  fs::create_directories(root / "api");
  std::ofstream(root / "web" / "Dockerfile") << "FROM scratch\n";
  std::ofstream(root / "api" / "Dockerfile.dev") << "FROM scratch\n";
  std::ofstream(root / "file") << "x";
  auto web = svc("web", {}, 3), api = svc("api", {}, 5), gone = svc("gone", {}, 7), nofile = svc("nofile", {}, 9),
       plain = svc("plain", {}, 11), empty = svc("empty", {}, 13), notdir = svc("notdir", {}, 15);
  web.build_from_directory = (root / "web").string();
  api.build_from_directory = (root / "api").string();
  api.dockerfile = "Dockerfile.dev";
  gone.build_from_directory = (root / "gone").string();
  nofile.build_from_directory = (root / "api").string();
  nofile.dockerfile = "sub/Dockerfile";
  empty.build_from_directory = (root / "api").string();
  notdir.build_from_directory = (root / "file").string();
  const auto p = project({web, api, gone, nofile, plain, empty, notdir});
  CHECK_NOTHROW(check_build_contexts(p, {"web", "api", "plain"}));
  CHECK_NOTHROW(check_build_contexts(p, {}));
  auto error_of = [&](const std::vector<std::string>& services) -> std::string {
    try {
      check_build_contexts(p, services);
    } catch (const DefinitionError& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error_of({"web", "gone"}) == "services.lua:7: service 'gone': field 'build_from_directory': folder " +
                                         (root / "gone").string() + " does not exist");
  CHECK(error_of({"nofile"}) == "services.lua:9: service 'nofile': field 'dockerfile': file " +
                                    (root / "api" / "sub" / "Dockerfile").string() + " does not exist");
  CHECK(error_of({"empty"}) == "services.lua:13: service 'empty': field 'build_from_directory': folder " +
                                   (root / "api").string() + " has no Dockerfile");
  CHECK(error_of({"notdir"}) == "services.lua:15: service 'notdir': field 'build_from_directory': " +
                                    (root / "file").string() + " is not a folder");
  fs::remove_all(root);
}

TEST_CASE("validate: what contradicts a job is refused, naming the field") {
  auto job_error = [](const std::function<void(ServiceSpec&)>& change) {
    ServiceSpec j = svc("j");
    j.is_job = true;
    change(j);
    try {
      validate_project(project({j}));
    } catch (const DefinitionError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(job_error([](ServiceSpec& s) { s.instances = 2; }) ==
        "services.lua:1: service 'j': field 'instances': a job runs one container at a time (kind = \"job\")");
  CHECK(job_error([](ServiceSpec& s) { s.has_ping = true; }) ==
        "services.lua:1: service 'j': field 'ping': a job is done when it exits with success, not when a ping "
        "passes (kind = \"job\")");
  CHECK(job_error([](ServiceSpec& s) { s.has_post_start = true; }) ==
        "services.lua:1: service 'j': field 'post_start': a job has no moment of being up to run it at (kind = \"job\")");
  CHECK(job_error([](ServiceSpec& s) { s.healthcheck = HealthCheck{}; s.healthcheck->test = {"CMD", "true"}; })
            .find("field 'healthcheck'") != std::string::npos);
  CHECK(job_error([](ServiceSpec& s) { s.restart = "always"; }) ==
        "services.lua:1: service 'j': field 'restart': the engine must not restart a job: use retries = { limit = N "
        "} (kind = \"job\")");
  CHECK(job_error([](ServiceSpec& s) {
          s.job.success_exit_codes = {3};
          s.job.retries.on_exit = {3};
        }) == "services.lua:1: service 'j': field 'retries': on_exit code 3 is also a success exit code (kind = \"job\")");
  CHECK(job_error([](ServiceSpec& s) { s.restart = "no"; }) == "(no error)");
  CHECK(job_error([](ServiceSpec&) {}) == "(no error)");
  CHECK(job_error([](ServiceSpec& s) {
          s.job.schedule.cron = "@daily";
          s.job.schedule.every = 60;
        }) == "services.lua:1: service 'j': fields 'schedule' and 'every' both say when it runs: give one");
  CHECK(job_error([](ServiceSpec& s) { s.job.schedule.catch_up = true; }) ==
        "services.lua:1: service 'j': field 'catch_up': there is no schedule to catch up on (give schedule or every)");
  CHECK(job_error([](ServiceSpec& s) { s.job.schedule.overlap = Overlap::queue; }) ==
        "services.lua:1: service 'j': field 'overlap': there is no schedule for runs to overlap on (give schedule or "
        "every)");
  CHECK(job_error([](ServiceSpec& s) {
          s.job.schedule.every = 2;
          s.job.schedule.overlap = Overlap::replace;
          s.job.schedule.catch_up = true;
        }) == "(no error)");
}
