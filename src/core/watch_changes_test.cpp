#include "core/watch_changes.h"

#include <doctest/doctest.h>

using namespace boss;
namespace fs = std::filesystem;

namespace {

Project project() {
  Project p;
  p.name = "app";
  p.dir = "/p";
  p.file = "/p/services.lua";
  ServiceSpec web;
  web.name = "web";
  web.build_from_directory = "/p";  // the whole project is its context
  web.watch = {SyncRule{"/p/src", "/app/src", false, {"*.tmp"}}, SyncRule{"/p/conf/app.ini", "/etc/app.ini", true, {}}};
  ServiceSpec api;
  api.name = "api";
  api.build_from_directory = "/p/api";
  api.dockerfile = "docker/Dockerfile";
  ServiceSpec db;
  db.name = "db";
  p.services = {web, api, db};
  return p;
}

// .dockerignore patterns stand-ins: web ignores node_modules, api ignores *.md (but its
// Dockerfile and .dockerignore count anyway); a sync rule ignores what its ignore says.
WatchIgnores ignores() {
  WatchIgnores out;
  out.build = [](const ServiceSpec& s, const std::string& relative) {
    if (s.name == "web") return relative.rfind("node_modules", 0) == 0;
    return relative.size() > 3 && relative.substr(relative.size() - 3) == ".md";
  };
  out.sync = [](const SyncRule&, const std::string& relative) {
    return relative.size() > 4 && relative.substr(relative.size() - 4) == ".tmp";
  };
  return out;
}

const std::set<std::string> kAll = {"web", "api", "db"};

}  // namespace

TEST_CASE("watch work: services.lua is read again, and nothing else, even inside a build context") {
  const auto work = decide_watch_work(project(), kAll, {"/p/services.lua"}, ignores());
  CHECK(work.reread);
  CHECK(work.rebuild.empty());
  CHECK(work.sync.empty());
}

TEST_CASE("watch work: a change in a build context rebuilds its service, unless .dockerignore excludes it") {
  auto work = decide_watch_work(project(), kAll, {"/p/api/main.go"}, ignores());
  CHECK_FALSE(work.reread);
  CHECK(work.rebuild == std::vector<std::string>{"web", "api"});  // /p/api is inside web's context too
  work = decide_watch_work(project(), kAll, {"/p/api/README.md", "/p/node_modules/x/y.js"}, ignores());
  CHECK(work.rebuild == std::vector<std::string>{"web"});
  work = decide_watch_work(project(), {"api"}, {"/p/api/README.md", "/p/node_modules/x/y.js"}, ignores());
  CHECK(work.empty());
  work = decide_watch_work(project(), {"api"}, {"/p/api/docker/Dockerfile"}, ignores());
  CHECK(work.rebuild == std::vector<std::string>{"api"});
}

TEST_CASE("watch work: .git, the state folder and unwatched services do nothing") {
  const auto work =
      decide_watch_work(project(), {"api", "db"}, {"/p/.git/index", "/p/.boss/app/journal.json", "/p/src/a.py"}, ignores());
  CHECK(work.empty());
}

TEST_CASE("watch work: a path under a sync rule is copied (not rebuilt), ignores apply, a file rule maps to its target") {
  const auto work = decide_watch_work(
      project(), kAll, {"/p/src/b.py", "/p/src/a.py", "/p/src/x.tmp", "/p/conf/app.ini", "/p/src/a.py"}, ignores());
  CHECK(work.rebuild.empty());
  REQUIRE(work.sync.size() == 2);
  CHECK(work.sync[0] == SyncCopy{"web", 0, {"/p/src/a.py", "/p/src/b.py"}});
  CHECK(work.sync[1] == SyncCopy{"web", 1, {"/p/conf/app.ini"}});
  const Project p = project();  // held: its rules are read below
  const auto& rules = p.services[0].watch;
  CHECK(sync_target(rules[0], "/p/src/sub/c.py") == "/app/src/sub/c.py");
  CHECK(sync_target(rules[1], "/p/conf/app.ini") == "/etc/app.ini");
}

TEST_CASE("watch work: a batch is ready once no change came for the quiet window") {
  using namespace std::chrono_literals;
  ChangeBatch batch(150ms);
  const auto t0 = ChangeBatch::Clock::now();
  CHECK_FALSE(batch.ready(t0 + 1s));  // nothing in it
  batch.add({"/p/b"}, t0);
  batch.add({}, t0 + 100ms);  // an empty wait is no change
  CHECK_FALSE(batch.ready(t0 + 149ms));
  batch.add({"/p/a", "/p/b"}, t0 + 140ms);
  CHECK_FALSE(batch.ready(t0 + 200ms));
  CHECK(batch.ready(t0 + 290ms));
  CHECK(batch.take() == std::vector<fs::path>{"/p/a", "/p/b"});
  CHECK_FALSE(batch.ready(t0 + 1s));
}
