#include "script/lua_host.h"

#include <doctest/doctest.h>

#include <cstdlib>

#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/secrets.h"
#include "core/template.h"
#include "core/validate.h"
#include "script/script_test_support.h"

using namespace boss;
using boss::testing_script::RecordingOutput;
using boss::testing_script::TempDir;

namespace {

// A host plus everything it needs, loading one services.lua written into a temp folder.
struct Fixture {
  TempDir dir{"My Todo App"};
  EventLoop loop;
  ContextStore context;
  RecordingOutput reporter;
  LuaHost host{loop, context, reporter};

  Project load(const std::string& text, const std::string& override_name = "") {
    return host.load(dir.write("services.lua", text), override_name);
  }
  // Loads `text` in a fresh host (a host loads one file) and returns the error message.
  std::string error_of(const std::string& text) {
    try {
      LuaHost fresh(loop, context, reporter);
      fresh.load(dir.write("services.lua", text), "");
    } catch (const DefinitionError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string file() const { return (dir.dir() / "services.lua").string(); }
};

const char* kTwoServices = R"(local boss = require "boss"
boss.project "todo"
local Database = boss.Service:extend {
  name  = "appdb", image = "postgres:16",
  env   = { POSTGRES_PASSWORD = "dbpwd", POSTGRES_USER = "dbuser" },
  ports = { [5432] = 5433 },
}
function Database:ping() return self:exec { "pg_isready", "-U", "dbuser" } == 0 end
function Database:post_start()
  local code, out = self:exec { "psql", "-tAc", "select 1" }
  boss.context.user_id = out:match("%d+")
end
boss.Service:extend { name = "todo", image = "todo:dev", build_from_directory = "todo/",
  env = { USER_ID = "{user_id}" }, dependencies = { "appdb" }, ports = { [8080] = 8080 }, stop_signal = "SIGINT" }
)";

}  // namespace

TEST_CASE("lua host: the README example loads into a project") {
  Fixture f;
  Project p = f.load(kTwoServices);
  CHECK(p.name == "todo");
  CHECK(p.file == f.dir.dir() / "services.lua");
  CHECK(p.dir == f.dir.dir());
  REQUIRE(p.services.size() == 2);
  const ServiceSpec& db = p.services[0];
  CHECK(db.name == "appdb");
  CHECK(db.image == "postgres:16");
  CHECK(db.env == std::map<std::string, std::string>{{"POSTGRES_PASSWORD", "dbpwd"}, {"POSTGRES_USER", "dbuser"}});
  CHECK(db.ports == std::vector<PortBinding>{{5432, "tcp", 5433}});
  CHECK(db.has_ping);
  CHECK(db.has_post_start);
  CHECK_FALSE(db.has_pre_start);
  CHECK(db.defined_at == f.file() + ":3");
  CHECK(db.ping_interval == 0.1);
  CHECK(db.dockerfile == "Dockerfile");
  const ServiceSpec& todo = p.services[1];
  CHECK(todo.name == "todo");
  CHECK(todo.dependencies == std::vector<std::string>{"appdb"});
  CHECK(todo.env.at("USER_ID") == "{user_id}");
  CHECK(todo.stop_signal == "SIGINT");
  CHECK(todo.build_from_directory == (f.dir.dir() / "todo").string());
  CHECK(todo.defined_at == f.file() + ":13");
  CHECK_FALSE(todo.has_ping);
}

TEST_CASE("lua host: project name defaults to the slugified folder and can be overridden") {
  Fixture f;
  CHECK(f.load("local boss = require 'boss'").name == "my-todo-app");
  Fixture g;
  CHECK(g.load("require('boss').project 'named'", "override").name == "override");
}

TEST_CASE("lua host: inheritance, bases without names and loops") {
  Fixture f;
  Project p = f.load(R"(local boss = require "boss"
local Base = boss.Service:extend { image = "busybox", env = { A = "1", B = 2 }, _private = { 1, 2 } }
function Base:ping() return true end
function Base:helper() return 42 end
for i = 1, 3 do
  Base:extend { name = "worker" .. i, cmd = "sleep " .. i * 10 }
end
local Child = Base:extend { name = "child", image = "alpine", env = { C = true, D = 1.5 } }
Child:extend { }  -- inherits the name: not a service of its own
)");
  REQUIRE(p.names() == std::vector<std::string>{"worker1", "worker2", "worker3", "child"});
  CHECK(p.services[0].image == "busybox");
  CHECK(p.services[0].env == std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}});
  CHECK(p.services[0].has_ping);
  CHECK(p.services[2].cmd == std::vector<std::string>{"sleep", "30"});
  CHECK(p.services[3].image == "alpine");
  CHECK(p.services[3].env == std::map<std::string, std::string>{{"C", "true"}, {"D", "1.5"}});
  CHECK(p.services[3].has_ping);  // inherited hook
  CHECK_FALSE(p.services[3].cmd.has_value());
}

TEST_CASE("lua host: ports, volumes, cmd, entrypoint and scalar fields") {
  Fixture f;
  const char* home = std::getenv("HOME");
  Project p = f.load(R"(local boss = require "boss"
boss.Service:extend {
  name = "web", image = "nginx",
  ports = { [80] = 8080, ["53/udp"] = 0, ["443/tcp"] = 8443, [5432] = "127.0.0.1:5433", [6379] = "[::1]:",
            [9000] = "10.0.0.1:", [9001] = "9002" },
  volumes = { "./data:/data", "cache:/cache:ro", "/abs/path/:/abs", "sub/dir:/sub", "~/x:/home:rw" },
  cmd = [[nginx -g 'daemon off;' "a b\"c"]],
  entrypoint = { "/entry", "{key}" },
  user = "1000:1000", always_start_new = true, dockerfile = "Dockerfile.dev", ping_interval = 0.5,
  restart = "on-failure:3",
}
boss.Service:extend {
  name = "tbl", image = "x", instances = 3,
  volumes = { ["../shared"] = { bind = "/shared", mode = "ro" }, named = { bind = "/n" } },
}
)");
  const ServiceSpec& web = p.services[0];
  CHECK(web.ports == std::vector<PortBinding>{{53, "udp", 0},
                                              {80, "tcp", 8080},
                                              {443, "tcp", 8443},
                                              {5432, "tcp", 5433, "127.0.0.1"},
                                              {6379, "tcp", 0, "::1"},
                                              {9000, "tcp", 0, "10.0.0.1"},
                                              {9001, "tcp", 9002}});
  const std::string dir = f.dir.dir().string();
  REQUIRE(web.volumes.size() == 5);
  CHECK(web.volumes[0] == VolumeMount{dir + "/data", "/data", "", false, ""});
  CHECK(web.volumes[1] == VolumeMount{p.name + "_cache", "/cache", "ro", true, "cache"});
  CHECK(web.volumes[2] == VolumeMount{"/abs/path", "/abs", "", false, ""});
  CHECK(web.volumes[3] == VolumeMount{dir + "/sub/dir", "/sub", "", false, ""});
  CHECK(web.volumes[4] == VolumeMount{std::string(home) + "/x", "/home", "rw", false, ""});
  CHECK(web.cmd == std::vector<std::string>{"nginx", "-g", "daemon off;", "a b\"c"});
  CHECK(web.entrypoint == std::vector<std::string>{"/entry", "{key}"});
  CHECK(web.user == "1000:1000");
  CHECK(web.always_start_new);
  CHECK(web.dockerfile == "Dockerfile.dev");
  CHECK(web.ping_interval == 0.5);
  CHECK(web.instances == 1);
  CHECK(web.restart == "on-failure:3");
  const ServiceSpec& tbl = p.services[1];
  CHECK(tbl.instances == 3);
  REQUIRE(tbl.volumes.size() == 2);
  CHECK(tbl.volumes[0] == VolumeMount{f.dir.dir().parent_path().string() + "/shared", "/shared", "ro", false, ""});
  CHECK(tbl.volumes[1] == VolumeMount{p.name + "_named", "/n", "", true, "named"});
}

TEST_CASE("lua host: labels, working_dir, init and build_args") {
  Fixture f;
  Project p = f.load(R"(local boss = require "boss"
boss.Service:extend {
  name = "web", image = "web:dev", build_from_directory = ".",
  labels = { ["com.example.team"] = "web", tier = 2 },
  working_dir = "/app", init = true,
  build_args = { VERSION = "1.2", DEBUG = false },
}
)");
  const ServiceSpec& web = p.services[0];
  CHECK(web.labels == std::map<std::string, std::string>{{"com.example.team", "web"}, {"tier", "2"}});
  CHECK(web.working_dir == "/app");
  CHECK(web.init);
  CHECK(web.build_args == std::map<std::string, std::string>{{"DEBUG", "false"}, {"VERSION", "1.2"}});
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'a', image = 'x', init = 1 }") ==
        f.file() + ":2: service 'a': field 'init' must be a boolean, got number");
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'a', image = 'x', labels = { 'x' } }") ==
        f.file() + ":2: service 'a': field 'labels' keys must be strings, got number 1");
}

TEST_CASE("lua host: http names the container port boss proxy forwards to") {
  Fixture f;
  Project p = f.load("local boss = require 'boss'\n"
                     "boss.Service:extend { name = 'web', image = 'x', http = { port = 8080 } }\n"
                     "boss.Service:extend { name = 'db', image = 'y' }\n");
  REQUIRE(p.services[0].http);
  CHECK(p.services[0].http->port == 8080);
  CHECK_FALSE(p.services[1].http);
  const std::string head = "local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'x', ";
  CHECK(f.error_of(head + "http = 8080 }") ==
        f.file() + ":2: service 'web': field 'http' must be a table { port = 8080 }, got number");
  CHECK(f.error_of(head + "http = { prot = 80 } }") ==
        f.file() + ":2: service 'web': field 'http' has an unknown key 'prot' (did you mean 'port'?); it takes port");
  CHECK(f.error_of(head + "http = { } }") ==
        f.file() + ":2: service 'web': field 'http' port must be a container port from 1 to 65535, got nil");
  CHECK(f.error_of(head + "http = { port = 70000 } }") ==
        f.file() + ":2: service 'web': field 'http' port must be a container port from 1 to 65535, got 70000");
  CHECK(f.error_of(head + "http = { port = '80' } }") ==
        f.file() + ":2: service 'web': field 'http' port must be a container port from 1 to 65535, got string");
  CHECK(f.error_of(head + "http = { port = 80.5 } }") ==
        f.file() + ":2: service 'web': field 'http' port must be a container port from 1 to 65535, got 80.5");
}

TEST_CASE("lua host: watch holds boss watch's sync rules, each checked") {
  Fixture f;
  Project p = f.load("local boss = require 'boss'\n"
                     "boss.Service:extend { name = 'web', image = 'x', watch = {\n"
                     "  { path = 'src/', target = '/app/src/' },\n"
                     "  { path = './conf', target = '/etc/app', restart = true, ignore = { '*.tmp', 'cache/' } } } }\n"
                     "boss.Service:extend { name = 'db', image = 'y' }\n");
  const auto& rules = p.services[0].watch;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].path == (p.dir / "src").string());
  CHECK(rules[0].target == "/app/src");
  CHECK_FALSE(rules[0].restart);
  CHECK(rules[0].ignore.empty());
  CHECK(rules[1].path == (p.dir / "conf").string());
  CHECK(rules[1].restart);
  CHECK(rules[1].ignore == std::vector<std::string>{"*.tmp", "cache/"});
  CHECK(p.services[1].watch.empty());
  const std::string head = "local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'x', ";
  const std::string at = f.file() + ":2: service 'web': field 'watch' ";
  CHECK(f.error_of(head + "watch = 'src' }") ==
        at + "must be an array of rules { path = \"src\", target = \"/app/src\" }, got 'src'");
  CHECK(f.error_of(head + "watch = { path = 'src' } }") ==
        at + "must be an array of rules { path = \"src\", target = \"/app/src\" }, got a table with key 'path'");
  CHECK(f.error_of(head + "watch = { { path = 'src', targt = '/app' } } }") ==
        at + "rule 1: unknown key 'targt' (did you mean 'target'?); a rule takes path, target, restart and ignore");
  CHECK(f.error_of(head + "watch = { { path = '../elsewhere', target = '/app' } } }") ==
        at + "rule 1: path '../elsewhere' is outside the project's folder " + p.dir.string());
  CHECK(f.error_of(head + "watch = { { path = '/etc', target = '/app' } } }") ==
        at + "rule 1: path '/etc' is outside the project's folder " + p.dir.string());
  CHECK(f.error_of(head + "watch = { { path = 'src', target = 'app/src' } } }") ==
        at + "rule 1: target must be an absolute path in the container, got 'app/src'");
  CHECK(f.error_of(head + "watch = { { path = 'src' } } }") == at + "rule 1: 'target' must be a string, got nil");
  CHECK(f.error_of(head + "watch = { { path = 'a', target = '/a' }, { path = 'b', target = '/b', restart = 'yes' } } }") ==
        at + "rule 2: 'restart' must be a boolean, got 'yes'");
  CHECK(f.error_of(head + "watch = { { path = 'a', target = '/a', ignore = { 1 } } } }") ==
        at + "rule 1: 'ignore' item 1 must be a string, got 1");
}

TEST_CASE("lua host: on_demand is a boolean") {
  Fixture f;
  Project p = f.load("local boss = require 'boss'\n"
                     "boss.Service:extend { name = 'web', image = 'x', on_demand = true }\n"
                     "boss.Service:extend { name = 'db', image = 'y' }\n");
  CHECK(p.services[0].on_demand);
  CHECK_FALSE(p.services[1].on_demand);
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'x', on_demand = 'yes' }") ==
        f.file() + ":2: service 'web': field 'on_demand' must be a boolean, got string");
}

TEST_CASE("lua host: mem_limit is a size, idle_timeout a duration of an on_demand service") {
  Fixture f;
  Project p = f.load("local boss = require 'boss'\n"
                     "boss.Service:extend { name = 'web', image = 'x', on_demand = true, mem_limit = '512m', idle_timeout = '2s' }\n"
                     "boss.Service:extend { name = 'db', image = 'y', mem_limit = 104857600 }\n");
  CHECK(p.services[0].mem_limit == 512LL * 1024 * 1024);
  CHECK(p.services[0].idle_timeout == 2);
  CHECK(p.services[1].mem_limit == 104857600);
  CHECK_FALSE(p.services[1].idle_timeout);
  const std::string head = "local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'x', ";
  CHECK(f.error_of(head + "mem_limit = 'lots' }") ==
        f.file() + ":2: service 'web': field 'mem_limit' must be a size such as \"512m\" or \"2g\" (or a number of bytes), got 'lots'");
  CHECK(f.error_of(head + "mem_limit = true }") ==
        f.file() + ":2: service 'web': field 'mem_limit' must be a size such as \"512m\" or \"2g\" (or a number of bytes), got boolean");
  // What validate_project (run after loading) refuses, named at the service's file:line.
  const auto invalid = [&](const std::string& fields) {
    try {
      LuaHost fresh(f.loop, f.context, f.reporter);
      validate_project(fresh.load(f.dir.write("services.lua", head + fields + " }"), ""));
    } catch (const DefinitionError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(invalid("mem_limit = '1m'") ==
        f.file() + ":2: service 'web': field 'mem_limit' must be at least 6m (the engine's minimum), got 1m");
  CHECK(f.error_of(head + "on_demand = true, idle_timeout = 'soon' }") ==
        f.file() + ":2: service 'web': field 'idle_timeout' must be a positive duration such as \"5m\", \"30s\" or 90, got 'soon'");
  CHECK(f.error_of(head + "on_demand = true, idle_timeout = 0 }") ==
        f.file() + ":2: service 'web': field 'idle_timeout' must be a positive duration such as \"5m\", \"30s\" or 90, got 0");
  CHECK(invalid("idle_timeout = '5m'") ==
        f.file() + ":2: service 'web': field 'idle_timeout' is only for on_demand services (on_demand = true)");
}

TEST_CASE("lua host: kind = \"template\" is a template, out of the services; input says how its input goes") {
  Fixture f;
  Project p = f.load("local boss = require 'boss'\n"
                     "boss.Service:extend { name = 'db', image = 'y' }\n"
                     "boss.Service:extend { name = 'viz', image = 'x', kind = 'template', input = 'env',\n"
                     "  dependencies = { 'db' }, http = { port = 80 }, idle_timeout = '2s' }\n"
                     "boss.Service:extend { name = 'plain', image = 'x', kind = 'template' }\n");
  REQUIRE(p.services.size() == 1);
  CHECK(p.services[0].name == "db");
  REQUIRE(p.templates.size() == 2);
  CHECK(p.find_template("viz")->input == LaunchInput::env);
  CHECK(p.find_template("viz")->is_template);
  CHECK(p.find_template("viz")->idle_timeout == 2);
  CHECK(p.find_template("plain")->input == LaunchInput::file);  // the default
  CHECK_FALSE(p.find("viz"));
  validate_project(p);
  const std::string head = "local boss = require 'boss'\nboss.Service:extend { name = 'viz', image = 'x', ";
  CHECK(f.error_of(head + "kind = 'template', input = 'socket' }") ==
        f.file() + ":2: service 'viz': field 'input' must be \"file\", \"env\" or \"url\", got 'socket'");
  CHECK(f.error_of(head + "input = 'env' }") ==
        f.file() + ":2: service 'viz': field 'input' is only for templates (kind = \"template\")");
  const auto invalid = [&](const std::string& text) {
    try {
      LuaHost fresh(f.loop, f.context, f.reporter);
      validate_project(fresh.load(f.dir.write("services.lua", "local boss = require 'boss'\n" + text), ""));
    } catch (const DefinitionError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(invalid("boss.Service:extend { name = 'viz', image = 'x', kind = 'template', ports = { [80] = 8080 } }") ==
        f.file() + ":2: service 'viz': field 'ports': host port 8080 would be published by every launch: use host port 0 (any free port)");
  CHECK(invalid("boss.Service:extend { name = 'viz', image = 'x', kind = 'template' }\n"
                "boss.Service:extend { name = 'web', image = 'x', dependencies = { 'viz' } }") ==
        f.file() + ":3: service 'web': depends on 'viz', a template: it is launched, never started for a service");
  CHECK(invalid("boss.Service:extend { name = 'viz', image = 'x', kind = 'template', dependencies = { 'dbb' } }\n"
                "boss.Service:extend { name = 'db', image = 'x' }") ==
        f.file() + ":2: service 'viz': depends on unknown service 'dbb' (did you mean 'db'?)");
}

TEST_CASE("lua host: require finds modules beside services.lua") {
  Fixture f;
  f.dir.write("common.lua", "return { image = 'shared:1' }\n");
  Project p = f.load("local boss = require 'boss'\nlocal common = require 'common'\n"
                     "boss.Service:extend { name = 'a', image = common.image }\n");
  CHECK(p.services[0].image == "shared:1");
}

TEST_CASE("lua host: field errors name file:line, service and field") {
  Fixture f;
  const std::string file = f.file();
  const std::string head = "local boss = require 'boss'\n";
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', ports = '80' }") ==
        file + ":2: service 'web': field 'ports' must be a table, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', imgae = 'x' }") ==
        file + ":2: service 'web': unknown field 'imgae' (did you mean 'image'?)");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 1 }") ==
        file + ":2: service 'web': field 'image' must be a string, got number");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', env = { A = '{oops' } }") ==
        file.substr(0, 0) + file + ":2: service 'web': field 'env' key 'A': " +
            [] {
              try {
                check_template("{oops");
              } catch (const DefinitionError& e) {
                return std::string(e.what());
              }
              return std::string();
            }());
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', cmd = { 'a', 'b}' } }")
            .starts_with(file + ":2: service 'web': field 'cmd' item 2: "));
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', entrypoint = \"sh 'x\" }") ==
        file + ":2: service 'web': field 'entrypoint' unterminated quote");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', ping = 'yes' }") ==
        file + ":2: service 'web': field 'ping' must be a function, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', ports = { [70000] = 1 } }") ==
        file + ":2: service 'web': field 'ports' key '70000' must be a container port 1..65535, like 80 or '53/udp'");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', ports = { [80] = -1 } }") ==
        file + ":2: service 'web': field 'ports' key '80': host port must be a port 0..65535, 'ADDR:PORT', "
               "'[IPv6]:PORT' or 'ADDR:', got -1");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', ports = { [5432] = 'localhost:5433' } }") ==
        file + ":2: service 'web': field 'ports' key '5432': host port must be a port 0..65535, 'ADDR:PORT', "
               "'[IPv6]:PORT' or 'ADDR:' (ADDR a numeric IP), got 'localhost:5433'");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', ports = { [5432] = '127.0.0.1:99999' } }") ==
        file + ":2: service 'web': field 'ports' key '5432': host port must be a port 0..65535, 'ADDR:PORT', "
               "'[IPv6]:PORT' or 'ADDR:' (ADDR a numeric IP), got '127.0.0.1:99999'");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', dependencies = 'db' }") ==
        file + ":2: service 'web': field 'dependencies' must be a table, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', env = { A = {} } }") ==
        file + ":2: service 'web': field 'env' key 'A' must be a string, number or boolean, got table");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', volumes = { 'nocolon' } }") ==
        file + ":2: service 'web': field 'volumes' item 1 must look like 'host:container[:mode]', got 'nocolon'");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', restart = true }") ==
        file + ":2: service 'web': field 'restart' must be a string, got boolean");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', always_start_new = 'yes' }") ==
        file + ":2: service 'web': field 'always_start_new' must be a boolean, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', instances = 0 }") ==
        file + ":2: service 'web': field 'instances' must be an integer from 1 to 1000, got 0");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', instances = 2.5 }") ==
        file + ":2: service 'web': field 'instances' must be an integer from 1 to 1000, got 2.5");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', instances = -1 }") ==
        file + ":2: service 'web': field 'instances' must be an integer from 1 to 1000, got -1");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', instances = '3' }") ==
        file + ":2: service 'web': field 'instances' must be an integer from 1 to 1000, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 5 }") ==
        file + ":2: field 'name' must be a string, got number");
}

TEST_CASE("lua host: registry_auth takes a username and a password, read from the environment") {
  Fixture f;
  setenv("BOSS_TEST_REG_USER", "alice", 1);
  setenv("BOSS_TEST_REG_PASS", "pa55-word", 1);
  const Project p = f.load(
      "local boss = require 'boss'\n"
      "boss.Service:extend { name = 'web', image = 'h:5000/web:1',\n"
      "  registry_auth = { username = boss.env('BOSS_TEST_REG_USER'), password = boss.env('BOSS_TEST_REG_PASS') } }\n"
      "boss.Service:extend { name = 'db', image = 'db:1' }\n");
  REQUIRE(p.services[0].registry_auth.has_value());
  CHECK(p.services[0].registry_auth->username == "alice");
  CHECK(p.services[0].registry_auth->password == "pa55-word");
  CHECK_FALSE(p.services[1].registry_auth.has_value());
  unsetenv("BOSS_TEST_REG_USER");
  unsetenv("BOSS_TEST_REG_PASS");
}

TEST_CASE("lua host: registry_auth errors name the key, never a value") {
  Fixture f;
  const std::string file = f.file();
  const std::string head = "local boss = require 'boss'\n";
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', registry_auth = 'alice:pw' }") ==
        file + ":2: service 'web': field 'registry_auth' must be a table, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', "
                          "registry_auth = { username = 'u', pasword = 'secret-value' } }") ==
        file + ":2: service 'web': field 'registry_auth' has an unknown key 'pasword' (did you mean 'password'?); "
               "it takes username and password");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', "
                          "registry_auth = { username = 'u', password = boss.env('BOSS_TEST_UNSET_VAR') } }") ==
        file + ":2: service 'web': field 'registry_auth' key 'password' must be a string, got nil "
               "(is the environment variable it reads set?)");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', "
                          "registry_auth = { username = 'u', password = 12345 } }") ==
        file + ":2: service 'web': field 'registry_auth' key 'password' must be a string, got number");
}

TEST_CASE("lua host: an inherited bad field is reported where it was set") {
  Fixture f;
  CHECK(f.error_of("local boss = require 'boss'\nlocal Base = boss.Service:extend { image = false }\n"
                   "Base:extend { name = 'web' }\n") ==
        f.file() + ":2: service 'web': field 'image' must be a string, got boolean");
}

TEST_CASE("lua host: a method named like a hook is an error where it was written") {
  Fixture f;
  const std::string file = f.file();
  const std::string head = "local boss = require 'boss'\nlocal A = boss.Service:extend { name = 'db', image = 'x' }\n";
  auto message = [&](int line, const std::string& method, const std::string& hook) {
    return file + ":" + std::to_string(line) + ": service 'db': '" + method + "' looks like hook '" + hook +
           "' (did you mean '" + hook + "'?); name helper methods with a leading '_' to keep them";
  };
  CHECK(f.error_of(head + "\nfunction A:pign() return true end\n") == message(4, "pign", "ping"));
  CHECK(f.error_of(head + "function A:poststart() end\n") == message(3, "poststart", "post_start"));
  CHECK(f.error_of(head + "function A:Ping() return true end\n") == message(3, "Ping", "ping"));
  CHECK(f.error_of(head + "function A:PreStart() end\n") == message(3, "PreStart", "pre_start"));
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'db', image = 'x',\n"
                   "  post_strat = function() end }\n") == message(3, "post_strat", "post_start"));
  // Inherited from a base class: reported where the base's method is.
  CHECK(f.error_of("local boss = require 'boss'\nlocal Base = boss.Service:extend { image = 'x' }\n"
                   "function Base:pre_strat() end\nBase:extend { name = 'db' }\n") ==
        message(3, "pre_strat", "pre_start"));
  // Not functions: unknown fields, with the hook as the suggestion.
  CHECK(f.error_of(head + "A.pign = true\n") ==
        file + ":2: service 'db': unknown field 'pign' (did you mean 'ping'?)");

  // Helpers with a leading '_', or named unlike any hook, and the hooks themselves are fine.
  Project p = f.load(head + R"(function A:_pign() return true end
function A:_poststart() end
function A:wait_for_port() end
function A:seed() end
function A:prepare() end
function A:post_start_db() end
function A:ping() return self:_pign() end
function A:post_start() end
)");
  REQUIRE(p.services.size() == 1);
  CHECK(p.services[0].has_ping);
  CHECK(p.services[0].has_post_start);
  CHECK_FALSE(p.services[0].has_pre_start);
}

TEST_CASE("lua host: Lua errors keep their file:line form") {
  Fixture f;
  CHECK(f.error_of("local x = = 1") == f.file() + ":1: unexpected symbol near '='");
  Fixture g;
  CHECK(g.error_of("\nerror('boom')") == g.file() + ":2: boom");
  bool traceback_seen = false;
  for (const auto& line : g.reporter.verbose_lines())
    traceback_seen = traceback_seen || line.find("stack traceback:") != std::string::npos;
  CHECK(traceback_seen);
  Fixture h;  // a shebang line is skipped without moving line numbers
  CHECK(h.error_of("#!/usr/bin/env boss\nlocal boss = require 'boss'\nerror('x')") == h.file() + ":3: x");
}

TEST_CASE("lua host: compiled bytecode is refused, not run") {
  // A damaged bytecode file crashed LuaJIT (it does not verify bytecode); a whole one is
  // refused too, so that both fail the same way.
  Fixture f;
  const std::string expected = f.file() + ": compiled Lua bytecode; boss reads services.lua as Lua source only";
  CHECK(f.error_of(std::string("\x1bLJ\x02\x0a\x00\xff\xff", 8)) == expected);
  CHECK(f.error_of(std::string("\x1bLua") + "local boss = require 'boss'") == expected);
}

TEST_CASE("lua host: a missing file") {
  EventLoop loop;
  ContextStore context;
  NullSink reporter;
  LuaHost host(loop, context, reporter);
  CHECK_THROWS_WITH_AS(host.load("/nonexistent/services.lua", ""),
                       "cannot read services file '/nonexistent/services.lua': No such file or directory",
                       DefinitionError);
}

TEST_CASE("lua host: boss.context reads and writes the store") {
  Fixture f;
  f.context.set("preset", std::string("hello"));
  f.context.set("n", 3.0);
  f.load(R"(local boss = require "boss"
assert(boss.context.preset == "hello")
assert(boss.context.n == 3)
assert(boss.context.missing == nil)
boss.context.s = "text"
boss.context.num = 42
boss.context.flag = false
boss.context.preset = nil
)");
  CHECK(f.context.get("s") == ContextValue{std::string("text")});
  CHECK(f.context.get("num") == ContextValue{42.0});
  CHECK(f.context.get("flag") == ContextValue{false});
  CHECK_FALSE(f.context.get("preset").has_value());
  Fixture g;
  CHECK(g.error_of("local boss = require 'boss'\n\nboss.context.k = {}") ==
        g.file() + ":3: boss.context.k: value must be a string, number or boolean, got table");
  Fixture h;
  CHECK(h.error_of("local boss = require 'boss'\nboss.context.k = 0/0") ==
        h.file() + ":2: boss.context.k: value must be a finite number, got nan");
}

TEST_CASE("lua host: helpers work at load time, blocking") {
  Fixture f;
  Project p = f.load(R"(local boss = require "boss"
local code, out = boss.run { "echo", "hi" }
local code2, out2 = boss.run { "sh", "-c", "echo err >&2; exit 3" }
local code3 = boss.run { "/definitely/not/here" }
boss.sleep(0.01)
boss.log("loaded", 1, true)
boss.Service:extend { name = "x", image = "i", env = { OUT = out, CODE = code, OUT2 = out2, CODE2 = code2,
  CODE3 = code3, HOME = boss.env("HOME"), NONE = tostring(boss.env("BOSS_SURELY_UNSET_VAR")),
  OPEN = tostring(boss.tcp_open("127.0.0.1", 1, 0.5)) } }
)");
  const auto& env = p.services[0].env;
  CHECK(env.at("OUT") == "hi\n");
  CHECK(env.at("CODE") == "0");
  CHECK(env.at("OUT2") == "err\n");
  CHECK(env.at("CODE2") == "3");
  CHECK(env.at("CODE3") == "127");
  CHECK(env.at("HOME") == std::getenv("HOME"));
  CHECK(env.at("NONE") == "nil");
  CHECK(env.at("OPEN") == "false");
  CHECK(f.reporter.logs() == std::vector<std::pair<std::string, std::string>>{{"", "loaded\t1\ttrue"}});
}

TEST_CASE("lua host: self:exec outside hooks and bad helper arguments") {
  Fixture f;
  CHECK(f.error_of("local boss = require 'boss'\nlocal S = boss.Service:extend { name = 'a', image = 'i' }\n"
                   "S:exec { 'ls' }") == f.file() + ":3: self:exec is only available inside hooks");
  Fixture g;
  CHECK(g.error_of("local boss = require 'boss'\nboss.run 'ls'") ==
        g.file() + ":2: boss.run: expected an argv table of strings, got string");
}

TEST_CASE("lua host: boss.env falls back to the .env files' values; the environment wins") {
  Fixture f;
  f.host.set_env_files({{"BOSS_TEST_FROM_FILE", "file value"}, {"HOME", "not the real home"}});
  Project p = f.load(R"(local boss = require "boss"
boss.Service:extend { name = "x", image = "i", env = { FILE = boss.env("BOSS_TEST_FROM_FILE"),
  HOME = boss.env("HOME"), NONE = tostring(boss.env("BOSS_SURELY_UNSET_VAR")) } }
)");
  const auto& env = p.services[0].env;
  CHECK(env.at("FILE") == "file value");
  CHECK(env.at("HOME") == std::getenv("HOME"));
  CHECK(env.at("NONE") == "nil");
}

TEST_CASE("lua host: profiles and optional dependencies") {
  Fixture f;
  Project p = f.load(R"(local boss = require "boss"
boss.Service:extend { name = "db", image = "i" }
boss.Service:extend { name = "metrics", image = "i", profiles = { "debug", "ops.1" } }
boss.Service:extend { name = "web", image = "i", dependencies = { "db", { "metrics", optional = true }, { "db2" } } }
boss.Service:extend { name = "db2", image = "i", dependencies = { { "db", optional = false } } }
)");
  CHECK(p.find("db")->profiles.empty());
  CHECK(p.find("metrics")->profiles == std::vector<std::string>{"debug", "ops.1"});
  const ServiceSpec& web = *p.find("web");
  CHECK(web.dependencies == std::vector<std::string>{"db", "metrics", "db2"});
  CHECK(web.optional_dependencies == std::set<std::string>{"metrics"});
  CHECK(p.find("db2")->dependencies == std::vector<std::string>{"db"});
  CHECK(p.find("db2")->optional_dependencies.empty());

  const std::string file = f.file();
  const std::string head = "local boss = require 'boss'\n";
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', profiles = 'debug' }") ==
        file + ":2: service 'web': field 'profiles' must be a table, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', profiles = { 'de bug' } }") ==
        file + ":2: service 'web': field 'profiles' 'de bug' is not a profile name (a letter or digit, then "
               "letters, digits, '_', '.', '-')");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', profiles = { 1 } }") ==
        file + ":2: service 'web': field 'profiles' item 1 must be a string, got number");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', dependencies = { { 'db', optinal = true } } }") ==
        file + ":2: service 'web': field 'dependencies' item 1: unknown key 'optinal' (expected { \"name\", optional = true })");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', dependencies = { { optional = true } } }") ==
        file + ":2: service 'web': field 'dependencies' item 1: [1] must be the service's name, got nil");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', dependencies = { { 'db', optional = 'yes' } } }") ==
        file + ":2: service 'web': field 'dependencies' item 1: 'optional' must be a boolean, got string");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', dependencies = { 5 } }") ==
        file + ":2: service 'web': field 'dependencies' item 1 must be a name or { name, optional = true }, got number");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', dependencies = { a = 'db' } }") ==
        file + ":2: service 'web': field 'dependencies' must be an array of names or { name, optional = true }, got a "
               "table with key a");
}

TEST_CASE("lua host: healthcheck, stop_timeout and pre_stop") {
  Fixture f;
  const std::string head = "local boss = require 'boss'\n";
  Project p = f.load(head + "boss.Service:extend { name = 'db', image = 'x', stop_timeout = '1.5s',\n"
                            "  healthcheck = { test = { 'CMD', 'pg_isready' }, interval = '250ms' },\n"
                            "  pre_stop = function(self) end }\n"
                            "boss.Service:extend { name = 'web', image = 'x', healthcheck = false, stop_timeout = 3 }\n");
  REQUIRE(p.services.size() == 2);
  CHECK(p.services[0].stop_timeout == 1.5);
  CHECK(p.services[0].healthcheck->test == std::vector<std::string>{"CMD", "pg_isready"});
  CHECK(p.services[0].healthcheck->interval == 0.25);
  CHECK(p.services[0].has_pre_stop);
  CHECK(p.services[1].healthcheck->disabled());
  CHECK(p.services[1].stop_timeout == 3);
  CHECK_FALSE(p.services[1].has_pre_stop);
  const std::string file = f.file();
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', healthcheck = { test = 'x', intervl = 1 } }") ==
        file + ":2: service 'web': field 'healthcheck' has unknown key 'intervl' (did you mean 'interval'?)");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', stop_timeout = 'soon' }") ==
        file + ":2: service 'web': field 'stop_timeout' must be a duration such as 10, 2.5 or '500ms', got 'soon'");
  CHECK(f.error_of(head + "boss.Service:extend { name = 'web', image = 'x', pre_stop = 1 }") ==
        file + ":2: service 'web': field 'pre_stop' must be a function, got number");
}

TEST_CASE("lua host: boss.secret values are opaque, concatenate to secrets, and mark env keys secret") {
  Fixture f;
  SecretRedactor secrets;
  f.host.set_redactor(&secrets);
  const Project p = f.load(R"(local boss = require "boss"
local pw = boss.secret("hunter22")
assert(tostring(pw) == "<secret>")
assert(boss.is_secret(pw) and not boss.is_secret("x"))
assert(boss.reveal(pw) == "hunter22")
assert(boss.reveal("plain") == "plain")
local uri = "postgres://u:" .. pw .. "@db"
assert(boss.is_secret(uri))
assert(boss.reveal(uri) == "postgres://u:hunter22@db")
assert(boss.secret(pw) == pw)
assert(getmetatable(pw) == false)
assert(not pcall(function() return pw.text end))
boss.log("logged", pw)
boss.Service:extend { name = "web", image = "web:1",
  env = { DB_PASSWORD = pw, DB_URI = uri, BRACES = boss.secret("a{b}c"), MODE = "prod", TOKEN = "t0k3n-value" },
  secret_env = { "TOKEN" } }
)");
  const ServiceSpec& web = p.services.at(0);
  CHECK(web.secret_env == std::set<std::string>{"BRACES", "DB_PASSWORD", "DB_URI", "TOKEN"});
  CHECK(fill_template(web.env.at("BRACES"), {}) == "a{b}c");  // a secret's text is never a template
  CHECK(fill_template(web.env.at("DB_URI"), {}) == "postgres://u:hunter22@db");
  CHECK(f.reporter.logs().at(0).second == "logged\t<secret>");
  CHECK(secrets.redact("hunter22 / postgres://u:hunter22@db") == "*** / ***");
}

TEST_CASE("lua host: a secret in the context stays secret when read back") {
  Fixture f;
  SecretRedactor secrets;
  f.context.set_redactor(&secrets);
  f.host.set_redactor(&secrets);
  f.load(R"(local boss = require "boss"
boss.context.pw = boss.secret("generated-1")
assert(boss.is_secret(boss.context.pw))
assert(boss.reveal(boss.context.pw) == "generated-1")
boss.context.plain = "open"
assert(boss.context.plain == "open")
)");
  CHECK(f.context.is_secret("pw"));
  CHECK_FALSE(f.context.is_secret("plain"));
  CHECK(secrets.redact("generated-1") == "***");
}

TEST_CASE("lua host: secret mistakes are one line each") {
  Fixture f;
  CHECK(f.error_of("local boss = require 'boss'\nlocal x = boss.secret(boss.env('BOSS_TEST_SURELY_UNSET'))") ==
        f.file() + ":2: boss.secret: value must be a string, number or boolean, got nil (is the environment variable it reads set?)");
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'w',\n"
                   "  env = { TOKEN = 'x' }, secret_env = { 'TOKNE' } }") ==
        f.file() + ":2: service 'web': field 'secret_env' names 'TOKNE', which env does not set (did you mean 'TOKEN'?)");
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'w',\n"
                   "  cmd = { 'run', boss.secret('pw12') } }") ==
        f.file() + ":2: service 'web': field 'cmd' item 2 is a boss.secret value: only env values and registry_auth may hold secrets");
  CHECK(f.error_of("local boss = require 'boss'\nboss.Service:extend { name = 'web', image = 'w',\n"
                   "  labels = { owner = boss.secret('pw12') } }") ==
        f.file() + ":2: service 'web': field 'labels' key 'owner' is a boss.secret value: only env values and registry_auth may hold secrets");
  CHECK(f.error_of("local boss = require 'boss'\nlocal s = boss.secret('pw12') .. {}") ==
        f.file() + ":2: attempt to concatenate a boss.secret value with a table value");
}
