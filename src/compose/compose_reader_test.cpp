#include "compose/compose_reader.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/errors.h"
#include "core/validate.h"
#include "script/script_test_support.h"

using namespace boss;
using boss::testing_script::TempDir;

namespace {

struct Fixture {
  TempDir dir{"Shop App"};
  std::map<std::string, std::string> shell = {{"TAG", "1.4"}, {"EMPTY", ""}};
  std::map<std::string, std::string> dotenv = {{"TAG", "from-dotenv"}, {"DB_USER", "shop"}};
  std::string project_override;

  ComposeProject read(const std::string& text) {
    ComposeInput input;
    input.project_override = project_override;
    input.environment = [this](const std::string& name) -> std::optional<std::string> {
      const auto it = shell.find(name);
      if (it == shell.end()) return std::nullopt;
      return it->second;
    };
    input.dotenv = dotenv;
    return read_compose_file(dir.write("compose.yaml", text), input);
  }
  std::string error_of(const std::string& text) {
    try {
      read(text);
    } catch (const DefinitionError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string file() const { return (dir.dir() / "compose.yaml").string(); }
};

const ServiceSpec& service(const Project& p, const std::string& name) {
  const ServiceSpec* s = p.find(name);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("compose: every supported key of a service") {
  Fixture f;
  f.dir.write("web.env", "FROM_FILE=1\nOVERRIDDEN=file\n");
  const auto read = f.read(R"(services:
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.dev
      args:
        VERSION: "${TAG}"
        DB_USER:
    image: shop/web:${TAG}
    command: serve --port 8080 "{not a key}"
    entrypoint: ["/entry", "-x"]
    environment:
      OVERRIDDEN: env
      PRICE: $$5
      DB_USER:
      UNSET_ONE:
      JSON: '{"a": 1}'
    env_file: web.env
    ports:
      - "8080:80"
      - 9000-9001:9000-9001
      - "127.0.0.1::5000"
      - "[::1]:6000:6000/udp"
      - 7000
      - target: 443
        published: "8443"
        host_ip: 127.0.0.1
        protocol: tcp
        mode: host
    volumes:
      - ./data:/data:ro
      - cache:/cache
      - type: bind
        source: ./conf
        target: /etc/app
        read_only: true
      - type: volume
        source: cache
        target: /cache2
    depends_on:
      db:
        condition: service_healthy
      metrics:
        condition: service_started
        required: false
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    user: "1000:1000"
    working_dir: /app
    labels:
      com.example.team: web
    profiles: [shop]
    init: true
    restart: on-failure:3
  db:
    image: postgres:16
    environment:
      - POSTGRES_USER=${DB_USER}
      - POSTGRES_DB=${DB_NAME:-shop}
      - TAG
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "shop"]
      interval: 2s
      retries: 5
    labels: ["tier=data", "plain"]
    scale: 1
    restart: "no"
  metrics:
    image: busybox
    healthcheck:
      disable: true
    profiles: [debug]
    deploy:
      replicas: 2
volumes:
  cache:
)");
  CHECK(read.warnings.empty());
  const Project& p = read.project;
  CHECK(p.name == "shop-app");
  REQUIRE(p.services.size() == 3);
  const ServiceSpec& web = service(p, "web");
  const std::string dir = f.dir.dir().string();
  CHECK(web.defined_at == f.file() + ":2:3");
  CHECK(web.image == "shop/web:1.4");  // the shell wins over .env
  CHECK(web.build_from_directory == dir + "/web");
  CHECK(web.dockerfile == "Dockerfile.dev");
  CHECK(web.build_args == std::map<std::string, std::string>{{"DB_USER", "shop"}, {"VERSION", "1.4"}});
  CHECK(web.cmd == std::vector<std::string>{"serve", "--port", "8080", "{{not a key}}"});
  CHECK(web.entrypoint == std::vector<std::string>{"/entry", "-x"});
  CHECK(web.env == std::map<std::string, std::string>{{"DB_USER", "shop"},
                                                      {"FROM_FILE", "1"},
                                                      {"JSON", "{{\"a\": 1}}"},
                                                      {"OVERRIDDEN", "env"},
                                                      {"PRICE", "$5"}});
  CHECK(web.ports == std::vector<PortBinding>{{80, "tcp", 8080},
                                              {443, "tcp", 8443, "127.0.0.1"},
                                              {5000, "tcp", 0, "127.0.0.1"},
                                              {6000, "udp", 6000, "::1"},
                                              {7000, "tcp", 0},
                                              {9000, "tcp", 9000},
                                              {9001, "tcp", 9001}});
  REQUIRE(web.volumes.size() == 4);
  CHECK(web.volumes[0] == VolumeMount{dir + "/data", "/data", "ro", false, ""});
  CHECK(web.volumes[1] == VolumeMount{"shop-app_cache", "/cache", "", true, "cache"});
  CHECK(web.volumes[2] == VolumeMount{dir + "/conf", "/etc/app", "ro", false, ""});
  CHECK(web.volumes[3] == VolumeMount{"shop-app_cache", "/cache2", "", true, "cache"});
  CHECK(web.dependencies == std::vector<std::string>{"db", "metrics"});
  CHECK(web.optional_dependencies == std::set<std::string>{"metrics"});
  CHECK(web.stop_signal == "SIGINT");
  CHECK(web.stop_timeout == 90);
  CHECK(web.user == "1000:1000");
  CHECK(web.working_dir == "/app");
  CHECK(web.labels == std::map<std::string, std::string>{{"com.example.team", "web"}});
  CHECK(web.profiles == std::vector<std::string>{"shop"});
  CHECK(web.instances == 1);
  CHECK(web.init);
  CHECK(web.restart == "on-failure:3");

  const ServiceSpec& db = service(p, "db");
  CHECK(db.env == std::map<std::string, std::string>{{"POSTGRES_DB", "shop"}, {"POSTGRES_USER", "shop"}, {"TAG", "1.4"}});
  REQUIRE(db.healthcheck);
  CHECK(db.healthcheck->test == std::vector<std::string>{"CMD", "pg_isready", "-U", "shop"});
  CHECK(db.healthcheck->interval == 2);
  CHECK(db.healthcheck->timeout == 30);  // the engine's default, as compose leaves it
  CHECK(db.healthcheck->retries == 5);
  CHECK(db.labels == std::map<std::string, std::string>{{"plain", ""}, {"tier", "data"}});
  CHECK(db.instances == 1);
  CHECK(db.restart == "no");
  CHECK(db.build_from_directory.empty());
  const ServiceSpec& metrics = service(p, "metrics");
  REQUIRE(metrics.healthcheck);
  CHECK(metrics.healthcheck->disabled());
  CHECK(metrics.instances == 2);
  CHECK_NOTHROW(validate_project(p));
}

TEST_CASE("compose: the project's name: -p, COMPOSE_PROJECT_NAME, name:, the folder") {
  Fixture f;
  const std::string text = "name: from-file\nservices:\n  a:\n    image: busybox\n";
  CHECK(f.read(text).project.name == "from-file");
  f.dotenv["COMPOSE_PROJECT_NAME"] = "from-dotenv";
  CHECK(f.read(text).project.name == "from-dotenv");
  f.shell["COMPOSE_PROJECT_NAME"] = "from-shell";
  CHECK(f.read(text).project.name == "from-shell");
  f.project_override = "given";
  CHECK(f.read(text).project.name == "given");
  Fixture plain;
  CHECK(plain.read("services:\n  a:\n    image: busybox\n").project.name == "shop-app");
}

TEST_CASE("compose: COMPOSE_PROFILES, and an image name for a build without one") {
  Fixture f;
  CHECK_FALSE(f.read("services:\n  a:\n    image: busybox\n").profiles);
  f.dotenv["COMPOSE_PROFILES"] = "debug,shop";
  CHECK(f.read("services:\n  a:\n    image: busybox\n").profiles == "debug,shop");
  const auto built = f.read("name: shop\nservices:\n  web:\n    build: .\n");
  CHECK(built.project.services[0].image == "shop-web");
  CHECK(built.project.services[0].build_from_directory == f.dir.dir().string());
}

TEST_CASE("compose: keys boss does not support are warnings naming file:line:column") {
  Fixture f;
  const auto read = f.read(R"(version: "3.8"
x-common: &common
  restart: always
services:
  web:
    <<: *common
    image: busybox
    container_name: my-web
    networks: [front]
    deploy:
      replicas: 1
      resources:
        limits:
          cpus: "0.5"
    volumes:
      - /anonymous
    ports:
      - "8080:80"
      - "8081:80"
    depends_on:
      migrate:
        condition: service_completed_successfully
    x-note: ignored quietly
  migrate:
    image: busybox
networks:
  front:
volumes:
  data:
    external: true
)");
  const std::string at = f.file() + ":";
  const std::vector<std::string> expected = {
                             at + "8:5: service 'web': 'container_name' is not supported by boss, ignored (boss names containers <project>-<service>)",
                             at + "9:5: service 'web': 'networks' is not supported by boss, ignored (every service is on the project's network boss-<project>)",
                             at + "12:7: service 'web': 'deploy.resources' is not supported by boss, ignored",
                             at + "16:9: service 'web': volumes: anonymous volume /anonymous is not supported by boss, ignored (name it: NAME:/anonymous, declared under the top-level 'volumes')",
                             at + "19:9: service 'web': ports: container port 80/tcp is published once by boss; this second binding is ignored",
                             at + "22:20: service 'web': depends_on 'migrate': condition service_completed_successfully is not supported yet: boss starts web once 'migrate' is up (running for 100 ms, or exited 0 by then), not once it has completed",
                             at + "26:1: 'networks' is not supported by boss, ignored (every service is on the project's network boss-<project>)",
                             at + "30:5: volume 'data': 'external' is not supported by boss, ignored (boss makes <project>_data with the local driver)",
                         };
  REQUIRE(read.warnings.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(read.warnings[i] == expected[i]);
  CHECK(read.project.services[0].restart == "always");  // merged from x-common
}

TEST_CASE("compose: mistakes are one line at file:line:column") {
  Fixture f;
  const std::string at = f.file() + ":";
  CHECK(f.error_of("services:\n  web:\n    imgae: busybox\n") ==
        at + "3:5: service 'web': unknown key 'imgae' (did you mean 'image'?)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    volumes: [{type: bind, source: './a:b', target: /d}]\n") ==
        at + "4:15: service 'web': volumes: the path './a:b' holds ':', which the engine's source:target[:mode] binds cannot carry");
  CHECK(f.error_of("service:\n  web: {}\n") == at + "1:1: unknown top-level key 'service' (did you mean 'services'?)");
  CHECK(f.error_of("services:\n  web:\n    image: ${MISSING:?set MISSING to the tag}\n") ==
        at + "3:12: service 'web': 'image': MISSING: set MISSING to the tag");
  CHECK(f.error_of("services:\n  web:\n    image: a$ b\n") ==
        at + "3:12: service 'web': 'image': invalid interpolation at '$ b' (write $$ for a literal $)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    ports: [\"80:70:60:50\"]\n") ==
        at + "4:13: service 'web': ports: '80:70:60:50' must look like [HOST_IP:][HOST:]CONTAINER[/PROTOCOL] (an IPv6 address in [ ])");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    ports: [\"99999:80\"]\n") ==
        at + "4:13: service 'web': ports: host port '99999' must be a port 0..65535 or a range like 9000-9001");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    volumes: [\"data:/data\"]\n") ==
        at + "4:15: service 'web': volumes: named volume 'data' is not declared under the top-level 'volumes' (a folder is written ./data)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    init: maybe\n") ==
        at + "4:11: service 'web': 'init' must be true or false, got 'maybe'");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    restart: sometimes\n") ==
        at + "4:14: service 'web': 'restart': unknown policy 'sometimes' (use no, always, unless-stopped, on-failure or on-failure:N)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    stop_grace_period: soon\n") ==
        at + "4:24: service 'web': 'stop_grace_period' must be a duration such as 10s, 1m30s or 500ms, got 'soon'");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    deploy: {replicas: 0}\n") ==
        at + "4:24: service 'web': boss runs 1 to 1000 containers of a service, got 0 (to leave a service out, give it a profile)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    env_file: missing.env\n") ==
        at + "4:15: service 'web': env file 'missing.env' not found (" + f.dir.dir().string() + "/missing.env)");
  CHECK(f.error_of("services:\n  web:\n    image: busybox\n    healthcheck:\n      test: [\"WHAT\", \"x\"]\n") ==
        at + "5:13: service 'web': 'healthcheck.test' as a list starts with CMD, CMD-SHELL or NONE");
  CHECK(f.error_of("services:\n  web:\n") == at + "2:3: service 'web': has no definition (it needs an image or a build)");
  CHECK(f.error_of("") == at + "1:1: no services defined (the file is empty)");
  CHECK(f.error_of("services:\n  web: [\n") == at + "3:1: end of sequence flow not found");
  // What validate_project finds is at the service's own line.
  auto bad = f.read("services:\n  web:\n    image: busybox\n    depends_on: [dbb]\n  db:\n    image: busybox\n");
  CHECK_THROWS_WITH_AS(validate_project(bad.project),
                       (at + "2:3: service 'web': depends on unknown service 'dbb' (did you mean 'db'?)").c_str(),
                       DefinitionError);
}

TEST_CASE("compose: a missing optional env_file is skipped; a required one is an error") {
  Fixture f;
  const auto read = f.read("services:\n  web:\n    image: busybox\n    env_file:\n      - path: none.env\n        required: false\n");
  CHECK(read.project.services[0].env.empty());
}
