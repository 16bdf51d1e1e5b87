#include "core/deploy_run.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>

#include "testing/runtime_fixture.h"

namespace boss {
namespace {

using testing::svc;

// A swarm manager in memory: services with a version, each with `replicas` tasks that
// are "starting" at the first list_tasks after a create or update and "running" (a
// job's: "complete") from the next; a service named in `failing` gets failed tasks
// instead. Every call that matters goes to one log, with the hooks' calls, so a test
// reads the order in which things happened.
class FakeSwarm : public testing::FakeEngine {
 public:
  std::set<std::string> failing;  // swarm service names whose new tasks fail

  void note(const std::string& line) {
    std::lock_guard lock(m_mutex);
    m_log.push_back(line);
  }
  std::vector<std::string> log() const {
    std::lock_guard lock(m_mutex);
    return m_log;
  }
  std::uint64_t version_of(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return m_services.at(name).service.version;
  }
  SwarmServiceSpec spec_of(const std::string& name) {
    std::lock_guard lock(m_mutex);
    return m_services.at(name).spec;
  }

  SwarmState swarm_state() override { return {"active", true, "n1"}; }
  std::string registry_digest(const std::string&, const RegistryAuth&) override { return "sha256:d1"; }
  std::vector<SwarmService> list_services(const Labels& filter) override {
    std::lock_guard lock(m_mutex);
    std::vector<SwarmService> out;
    for (const auto& [name, s] : m_services) {
      const bool match = std::all_of(filter.begin(), filter.end(), [&](const auto& kv) {
        const auto it = s.service.labels.find(kv.first);
        return it != s.service.labels.end() && it->second == kv.second;
      });
      if (match) out.push_back(s.service);
    }
    return out;
  }
  std::string create_service(const SwarmServiceSpec& spec, const RegistryAuth&) override {
    std::lock_guard lock(m_mutex);
    m_log.push_back("create " + spec.name);
    Entry& e = m_services[spec.name];
    e.service.id = "id-" + spec.name;
    e.service.name = spec.name;
    e.service.version = 1;
    roll(e, spec);
    return e.service.id;
  }
  void update_service(const std::string& id, std::uint64_t version, const SwarmServiceSpec& spec,
                      const RegistryAuth&) override {
    std::lock_guard lock(m_mutex);
    m_log.push_back("update " + spec.name + " version " + std::to_string(version));
    Entry& e = m_services.at(spec.name);
    if (e.service.id != id || e.service.version != version)
      throw EngineError("update out of sequence", 500);  // what the swarm says of a stale version
    e.service.version += 3;  // as a swarm's index moves on with other objects' changes too
    for (auto& t : e.tasks) t.desired_state = "shutdown";
    roll(e, spec);
  }
  void remove_service(const std::string& id) override {
    std::lock_guard lock(m_mutex);
    for (auto it = m_services.begin(); it != m_services.end(); ++it)
      if (it->second.service.id == id) {
        m_log.push_back("remove " + it->first);
        m_services.erase(it);
        return;
      }
  }
  std::vector<SwarmTask> list_tasks(const std::vector<std::string>& ids) override {
    std::lock_guard lock(m_mutex);
    std::vector<SwarmTask> out;
    for (auto& [name, e] : m_services) {
      if (std::find(ids.begin(), ids.end(), e.service.id) == ids.end()) continue;
      for (auto& t : e.tasks) {
        if (t.state == "starting" && e.seen) {
          t.state = failing.count(name) ? "failed" : e.service.job ? "complete" : "running";
          if (t.state == "failed") t.error = "task: non-zero exit (1)";
          m_log.push_back(name + " task " + std::to_string(t.slot) + " " + t.state);
        }
        out.push_back(t);
      }
      e.seen = true;
    }
    return out;
  }
  std::vector<SwarmNode> list_nodes() override { return {{"n1", "node1", "10.0.0.1", "manager", "ready"}}; }
  std::string create_overlay_network(const std::string& name, const Labels& labels) override {
    note("network " + name);
    return create_network(name, labels);
  }

 private:
  struct Entry {
    SwarmService service;
    SwarmServiceSpec spec;
    std::vector<SwarmTask> tasks;
    bool seen = false;  // listed since its last create or update
    int task_number = 0;
  };
  // New tasks for the spec, as the swarm starts them.
  void roll(Entry& e, const SwarmServiceSpec& spec) {
    e.spec = spec;
    e.service.labels = spec.labels;
    e.service.replicas = spec.replicas;
    e.service.job = spec.job;
    e.seen = false;
    for (int slot = 1; slot <= spec.replicas; ++slot) {
      SwarmTask t;
      t.id = spec.name + "-t" + std::to_string(++e.task_number);
      t.service_id = e.service.id;
      t.node_id = "n1";
      t.slot = spec.job ? 0 : slot;
      t.desired_state = spec.job ? "complete" : "running";
      t.state = "starting";
      t.container_id = "c-" + t.id;
      t.container_labels = spec.container_labels;
      e.tasks.push_back(t);
    }
  }

  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_services;  // by swarm service name
  std::vector<std::string> m_log;
};

// db (pinged), then web (3 replicas) and seed (a job) that depend on it; every service
// has a post_start, whose calls go to the swarm's log.
struct Deploy {
  FakeSwarm swarm;
  testing::FakeHooks hooks;
  ContextStore context;
  testing::RecordingSink events;
  NoLocker locker;
  Cancel cancel;
  Project project;
  std::filesystem::path dir = testing::unique_temp_path("boss-deploy-");

  Deploy() {
    project.name = "p";
    project.dir = dir;
    project.file = dir / "services.lua";
    auto db = svc("db", {}, "reg:5000/db");
    db.has_ping = true;
    db.ping_interval = 0.01;
    auto web = svc("web", {"db"}, "reg:5000/web");
    web.instances = 3;
    auto seed = svc("seed", {"db"}, "reg:5000/web");
    seed.is_job = true;
    project.services = {db, web, seed};
    for (auto& s : project.services) {
      s.has_post_start = true;
      hooks.on(s.name, Hook::post_start, [this, name = s.name](const std::string& container) {
        swarm.note(name + " post_start " + container);
        return HookResult{};
      });
    }
    hooks.on("db", Hook::ping, [this](const std::string&) {
      swarm.note("db ping");
      return testing::ping_value(true);
    });
  }
  ~Deploy() { std::filesystem::remove_all(dir); }

  CommandResult deploy() {
    DeployRequest request;
    request.timeout = 10;
    return Runtime(project, swarm, hooks, context, events, locker, cancel).deploy(request);
  }
  std::size_t at(const std::string& line) const {
    const auto log = swarm.log();
    const auto it = std::find(log.begin(), log.end(), line);
    REQUIRE_MESSAGE(it != log.end(), "not in the log: " << line);
    return static_cast<std::size_t>(it - log.begin());
  }
  std::size_t count(const std::string& prefix) const {
    const auto log = swarm.log();
    return static_cast<std::size_t>(
        std::count_if(log.begin(), log.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
  }
  const ServiceOutcome& outcome(const CommandResult& r, const std::string& name) {
    const auto it = std::find_if(r.outcomes.begin(), r.outcomes.end(), [&](const auto& o) { return o.service == name; });
    REQUIRE(it != r.outcomes.end());
    return *it;
  }
};

}  // namespace

TEST_CASE("run_deploy: a dependency's tasks run and its ping passes before a dependent is created") {
  Deploy f;
  const auto result = f.deploy();
  REQUIRE(result.exit_code() == 0);
  CHECK(f.at("network boss-p-swarm") < f.at("create p-db"));
  const std::size_t db_ready = f.at("db ping");
  CHECK(f.at("p-db task 1 running") < db_ready);
  CHECK(f.at("db post_start c-p-db-t1") > db_ready);
  // Nothing of web or seed exists before db is ready and its post_start ran.
  CHECK(f.at("create p-web") > f.at("db post_start c-p-db-t1"));
  CHECK(f.at("create p-seed") > f.at("db post_start c-p-db-t1"));
  for (int slot = 1; slot <= 3; ++slot) CHECK(f.at("p-web task " + std::to_string(slot) + " running") < f.at("web post_start c-p-web-t1"));
  CHECK(f.at("p-seed task 0 complete") < f.at("seed post_start c-p-seed-t1"));
  // post_start once per service, not per task.
  CHECK(f.count("web post_start") == 1);
  CHECK(f.count("db post_start") == 1);
  CHECK(f.count("seed post_start") == 1);
  CHECK(f.swarm.spec_of("p-web").replicas == 3);
  CHECK(f.outcome(result, "web").action == ActionKind::create);
}

TEST_CASE("run_deploy: an unchanged service is kept, no hook runs; a changed one is updated at its listed version") {
  Deploy f;
  REQUIRE(f.deploy().exit_code() == 0);
  const std::size_t calls = f.swarm.log().size();
  auto again = f.deploy();
  REQUIRE(again.exit_code() == 0);
  for (const auto& o : again.outcomes) CHECK(o.action == ActionKind::keep);
  const auto log = f.swarm.log();
  for (std::size_t i = calls; i < log.size(); ++i) CHECK_MESSAGE(log[i] == "db ping", "a kept deploy did " << log[i]);
  CHECK(f.count("create") == 3);
  CHECK(f.count("web post_start") == 1);

  const std::uint64_t version = f.swarm.version_of("p-web");
  f.project.services[1].env = {{"GREETING", "two"}};
  const auto updated = f.deploy();
  REQUIRE(updated.exit_code() == 0);
  CHECK(f.outcome(updated, "web").action == ActionKind::update);
  CHECK(f.outcome(updated, "web").reason == "env GREETING added");
  CHECK(f.outcome(updated, "db").action == ActionKind::keep);
  CHECK(f.at("update p-web version " + std::to_string(version)) >= calls);
  CHECK(f.count("update") == 1);
  CHECK(f.swarm.version_of("p-web") == version + 3);
  CHECK(f.swarm.spec_of("p-web").env.at("GREETING") == "two");
  CHECK(f.count("create") == 3);  // updated in place, not made again
  CHECK(f.count("web post_start") == 2);  // once for this deploy
}

TEST_CASE("run_deploy: a dependency whose tasks fail stops its dependents being deployed") {
  Deploy f;
  f.swarm.failing = {"p-db"};
  const auto result = f.deploy();
  CHECK(result.exit_code() == 1);
  CHECK(f.outcome(result, "db").status == Phase::failed);
  CHECK(f.outcome(result, "db").reason == "task 1 on node1 failed: task: non-zero exit (1)");
  CHECK(f.outcome(result, "web").status == Phase::skipped);
  CHECK(f.outcome(result, "web").reason == "dependency 'db' failed");
  CHECK(f.outcome(result, "seed").status == Phase::skipped);
  CHECK(f.count("create p-web") == 0);
  CHECK(f.count("create p-seed") == 0);
  CHECK(f.count("db ping") == 0);
  CHECK(f.count("db post_start") == 0);
}

TEST_CASE("run_deploy: a dependency whose ping fails stops its dependents too") {
  Deploy f;
  f.hooks.on("db", Hook::ping, [](const std::string&) { return HookResult{HookResult::Status::error, false, "boom", ""}; });
  const auto result = f.deploy();
  CHECK(result.exit_code() == 1);
  CHECK(f.outcome(result, "db").reason == "ping failed: boom");
  CHECK(f.outcome(result, "web").status == Phase::skipped);
  CHECK(f.count("create p-web") == 0);
  CHECK(f.count("db post_start") == 0);
}

}  // namespace boss
