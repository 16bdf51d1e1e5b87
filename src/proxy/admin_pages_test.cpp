#include "proxy/admin_pages.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/instances.h"

using namespace boss;

namespace {

Project demo() {
  Project p;
  p.name = "demo";
  ServiceSpec web;
  web.name = "web";
  web.image = "img";
  web.http = HttpEndpoint{8080};
  web.mem_limit = 64 << 20;
  ServiceSpec viz = web;
  viz.name = "viz";
  viz.on_demand = true;
  ServiceSpec db = web;
  db.name = "db";
  db.http.reset();
  db.mem_limit.reset();
  p.services = {web, viz, db};
  ServiceSpec tpl = web;
  tpl.name = "nb";
  tpl.mem_limit = 128 << 20;
  p.templates = {tpl};
  return p;
}

ContainerInfo container(const std::string& name, const std::string& service, int instance, const std::string& state,
                        Labels more = {}) {
  ContainerInfo c;
  c.id = "id-" + name;
  c.name = name;
  c.state = state;
  c.labels = {{kLabelProject, "demo"}, {kLabelService, service}};
  if (instance) c.labels[kLabelInstance] = std::to_string(instance);
  for (auto& [k, v] : more) c.labels[k] = v;
  return c;
}

std::vector<ContainerInfo> containers() {
  return {container("demo-web-2", "web", 2, "running"), container("demo-web-1", "web", 1, "running"),
          container("demo-db", "db", 0, "exited"), container("demo-nb-7f3a", "nb-7f3a", 0, "running", {{kLabelTemplate, "nb"}}),
          container("demo-web-run-1", "web", 0, "running", {{"boss.oneoff", "run"}})};
}

std::vector<AdminRow> rows() {
  return admin_rows(
      demo(), containers(),
      [](const std::string& s) {
        ServiceActivity::Seen seen;
        if (s == "web") seen.requests = 3;
        return seen;
      },
      [](const std::string& s) { return s == "viz" ? std::string("stopped") : std::string("?"); });
}

}  // namespace

TEST_CASE("admin pages: a row per container and per service without one, launched ones last") {
  const auto all = rows();
  std::vector<std::string> names;
  for (const auto& row : all) names.push_back(row.name + " " + row.state + " " + row.container);
  CHECK(names == std::vector<std::string>{"web-1 running demo-web-1", "web-2 running demo-web-2", "viz none ",
                                          "db exited demo-db", "nb-7f3a running demo-nb-7f3a"});
  CHECK(all[0].seen.requests == 3);
  CHECK(all[0].url == "/web/");
  CHECK(all[2].demand == "stopped");
  CHECK(all[0].demand.empty());
  CHECK(all[3].url.empty());
  CHECK(all[4].kind == "launched");
  CHECK(all[4].service == "nb");
  CHECK(all[4].mem_limit == 128 << 20);
}

TEST_CASE("admin pages: the listing as JSON and HTML") {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1765100000));
  const auto j = nlohmann::json::parse(admin_rows_json("demo", rows(), now));
  CHECK(j["project"] == "demo");
  CHECK(j["time"] == "2025-12-07T09:33:20.000Z");
  REQUIRE(j["containers"].size() == 5);
  CHECK(j["containers"][0]["name"] == "web-1");
  CHECK(j["containers"][0]["mem_limit"] == 64 << 20);
  CHECK(j["containers"][0]["requests"] == 3);
  CHECK(j["containers"][0]["last_request"].is_null());
  CHECK(j["containers"][2]["container"].is_null());
  CHECK(j["containers"][2]["demand"] == "stopped");
  const std::string html = admin_rows_html("demo<x>", rows(), now);
  CHECK(html.find("<h1>demo&lt;x&gt;</h1>") != std::string::npos);
  CHECK(html.find("<a href=\"logs/web-2\">logs</a>") != std::string::npos);
}

TEST_CASE("admin pages: memory in use, unknown when the engine did not say, none when it does not run") {
  auto all = rows();
  add_memory_use(all, {{"demo-web-1", 3 << 20}, {"demo-db", 5 << 20}});
  CHECK(all[0].mem_usage == 3 << 20);
  CHECK_FALSE(all[0].mem_unknown);
  CHECK_FALSE(all[1].mem_usage);  // demo-web-2 runs, yet no answer came
  CHECK(all[1].mem_unknown);
  CHECK_FALSE(all[2].mem_usage);  // viz: no container
  CHECK_FALSE(all[2].mem_unknown);
  CHECK_FALSE(all[3].mem_usage);  // db exited: what a stale answer said does not count
  CHECK_FALSE(all[3].mem_unknown);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1765100000));
  const auto j = nlohmann::json::parse(admin_rows_json("demo", all, now));
  CHECK(j["containers"][0]["mem_usage"] == 3 << 20);
  CHECK(j["containers"][1]["mem_usage"] == "unknown");
  CHECK(j["containers"][3]["mem_usage"].is_null());
  CHECK(j["containers"][3]["mem_limit"].is_null());
  const std::string html = admin_rows_html("demo", all, now);
  CHECK(html.find("<td>3m / 64m</td>") != std::string::npos);
  CHECK(html.find("<td>unknown / 64m</td>") != std::string::npos);
  CHECK(html.find("<td>-</td>") != std::string::npos);  // db: neither use nor limit
}

TEST_CASE("admin pages: a name is a row's or a container's") {
  const auto all = containers();
  const auto id = [&](const std::string& name) {
    const ContainerInfo* c = find_admin_container(demo(), all, name);
    return c ? c->id : std::string("none");
  };
  CHECK(id("web-2") == "id-demo-web-2");
  CHECK(id("db") == "id-demo-db");
  CHECK(id("demo-db") == "id-demo-db");
  CHECK(id("nb-7f3a") == "id-demo-nb-7f3a");
  CHECK(id("web") == "none");  // two instances: say which
  CHECK(id("viz") == "none");
  CHECK(id("demo-web-run-1") == "none");  // a one-off is no page's
}

TEST_CASE("admin pages: history as JSON and HTML") {
  const RequestRecord r{std::chrono::system_clock::time_point(std::chrono::seconds(1765100000)), "POST", "/a<b>", 201, 2.25};
  const auto j = nlohmann::json::parse(history_json("web", "demo-web", {r}));
  CHECK(j["container"] == "demo-web");
  CHECK(j["requests"][0]["status"] == 201);
  CHECK(j["requests"][0]["path"] == "/a<b>");
  CHECK(history_html("web", "demo-web", {r}).find("<td>/a&lt;b&gt;</td>") != std::string::npos);
}
