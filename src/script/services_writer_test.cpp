#include "script/services_writer.h"

#include <doctest/doctest.h>

#include <cstdlib>

#include "compose/compose_reader.h"
#include "core/context_store.h"
#include "core/event_loop.h"
#include "core/validate.h"
#include "script/lua_host.h"
#include "script/script_test_support.h"

using namespace boss;
using boss::testing_script::RecordingOutput;
using boss::testing_script::TempDir;

namespace {

// Reads back what write_services_lua wrote, from services.lua in `dir`.
Project read_back(const TempDir& dir, const Project& project) {
  EventLoop loop;
  ContextStore context;
  RecordingOutput output;
  LuaHost host(loop, context, output);
  return host.load(dir.write("services.lua", write_services_lua(project, "compose.yaml")));
}

// Equal but for where each service was defined (compose.yaml:2:3 vs services.lua:5).
void check_same(Project a, Project b) {
  CHECK(a.name == b.name);
  REQUIRE(a.sidecars.size() == b.sidecars.size());
  for (std::size_t i = 0; i < a.sidecars.size(); ++i) {
    a.sidecars[i].defined_at = b.sidecars[i].defined_at = "";
    CHECK(a.sidecars[i] == b.sidecars[i]);
  }
  REQUIRE(a.services.size() == b.services.size());
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    a.services[i].defined_at = b.services[i].defined_at = "";
    CAPTURE(a.services[i].name);
    CHECK(a.services[i] == b.services[i]);
  }
}

}  // namespace

TEST_CASE("services writer: lua_quote reads back exactly") {
  CHECK(lua_quote("a\"b\\c\nd") == R"("a\"b\\c\nd")");
  CHECK(lua_quote(std::string("\x01" "2", 2)) == R"("\0012")");
}

TEST_CASE("services writer: a project with every field reads back the same") {
  TempDir dir;
  Project project;
  project.name = "every-field";
  project.file = dir.dir() / "services.lua";
  project.dir = dir.dir();
  ServiceSpec db;
  db.name = "db";
  db.image = "postgres:16";
  db.healthcheck = HealthCheck{{"CMD-SHELL", "pg_isready -U \"app\""}, 0.5, 2, 4, 1.25, 0.2};
  db.registry_auth = RegistryAuth{"user", "p\"w", ""};
  db.volumes = {{"data", "/var/lib/postgresql/data", "", true, "data"}, {"/etc/hosts", "/h", "ro", false, ""}};
  ServiceSpec web;
  web.name = "web";
  web.image = "web:dev";
  web.build_from_directory = (dir.dir() / "web").string();
  web.dockerfile = "Dockerfile.dev";
  web.build_args = {{"VERSION", "1.2"}, {"weird-key", "x"}};
  web.dependencies = {"db", "metrics"};
  web.optional_dependencies = {"metrics"};
  web.profiles = {"shop"};
  web.env = {{"URL", "postgres://{user}@db"}, {"end", "keyword"}, {"BRACES", "{{x}}"}};
  web.ports = {{53, "udp", 0}, {80, "tcp", 8080}, {443, "tcp", 0, "::1"}, {5432, "tcp", 5433, "127.0.0.1"}};
  web.cmd = std::vector<std::string>{"serve", "--flag=a b", ""};
  web.entrypoint = std::vector<std::string>{};
  web.user = "1000";
  web.working_dir = "/app";
  web.init = true;
  web.labels = {{"com.example.team", "web"}};
  web.always_start_new = true;
  web.stop_signal = "SIGINT";
  web.stop_timeout = 0.1;
  web.restart = "on-failure:3";
  web.ping_interval = 0.3;
  web.volumes = {{(dir.dir() / "data").string(), "/data", "ro", false, ""}, {dir.dir().string(), "/src", "", false, ""}};
  ServiceSpec metrics;
  metrics.name = "metrics";
  metrics.image = "busybox";
  metrics.profiles = {"debug"};
  metrics.instances = 3;
  metrics.healthcheck = disabled_healthcheck();
  ServiceSpec load;
  load.name = "load";
  load.image = "busybox";
  load.is_job = true;
  load.sidecars = {"cache"};
  ServiceSpec cache;
  cache.name = "cache";
  cache.image = "redis:7";
  cache.cmd = std::vector<std::string>{"redis-server"};
  project.services = {db, web, metrics, load};
  project.sidecars = {cache};
  project.name_volumes();
  REQUIRE_NOTHROW(validate_project(project));
  // The password is read from the environment, never written.
  ::setenv("DB_REGISTRY_PASSWORD", "p\"w", 1);
  check_same(project, read_back(dir, project));
  ::unsetenv("DB_REGISTRY_PASSWORD");
}

TEST_CASE("services writer: a registry password is never written; the variable it is read from is named") {
  Project project;
  project.name = "p";
  ServiceSpec a;
  a.name = "pull-me";
  a.image = "reg.example/a";
  a.registry_auth = RegistryAuth{"user", "hunter2", ""};
  ServiceSpec b = a;
  b.name = "b";
  project.services = {a, b};
  const std::string text = write_services_lua(project, "pipeline.yaml", {{}, {{"b", "REG_PASS"}}});
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("password = boss.secret(boss.env(\"PULL_ME_REGISTRY_PASSWORD\"))") != std::string::npos);
  CHECK(text.find("-- registry_auth's password is read from $PULL_ME_REGISTRY_PASSWORD") != std::string::npos);
  CHECK(text.find("password = boss.secret(boss.env(\"REG_PASS\"))") != std::string::npos);
  CHECK(text.find("username = \"user\"") != std::string::npos);
}

TEST_CASE("services writer: a compose project converts to a services.lua that reads back the same") {
  TempDir dir{"converted"};
  dir.write("app.env", "GREETING=hello {you}\n");
  const auto compose = dir.write("compose.yaml", R"(services:
  web:
    build: { context: ./web, args: { V: "2" } }
    image: web:dev
    command: ["sh", "-c", "echo $$HOME {x}"]
    environment: { A: "1", B: "${B:-b}" }
    env_file: app.env
    ports: ["8080:80", "127.0.0.1::81", "53:53/udp", "[::1]:6000:6000"]
    volumes: ["./data:/data:ro", "cache:/cache", "~/x:/x"]
    depends_on:
      db: { condition: service_healthy }
      metrics: { condition: service_started, required: false }
    healthcheck: { test: "wget -qO- localhost", interval: 1500ms, start_period: 5s }
    stop_signal: SIGTERM
    stop_grace_period: 3s
    user: nobody
    working_dir: /app
    labels: { team: web }
    profiles: [shop]
    init: true
    restart: unless-stopped
  db:
    image: busybox
    entrypoint: /bin/sh -c 'sleep 1000'
    scale: 2
  metrics:
    image: busybox
    healthcheck: { disable: true }
    profiles: [debug]
volumes:
  cache: {}
)");
  ComposeInput input;
  input.environment = [](const std::string&) { return std::nullopt; };
  const Project from_compose = read_compose_file(compose, input).project;
  check_same(from_compose, read_back(dir, from_compose));
}
