#include "core/job_run.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "testing/runtime_fixture.h"

using namespace boss;
using boss::testing::Fixture;
using boss::testing::svc;

namespace {

ServiceSpec job(const std::string& name, const std::string& image, std::vector<std::string> deps = {}) {
  ServiceSpec s = svc(name, std::move(deps), image);
  s.is_job = true;
  return s;
}

long count(const std::vector<std::string>& calls, const std::string& call) {
  return std::count(calls.begin(), calls.end(), call);
}

}  // namespace

TEST_CASE("jobs: a dependent is created only after its job exited 0") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {0};
  f.project.services = {job("migrate", "migrate"), svc("web", {"migrate"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  const auto calls = f.engine.calls();
  CHECK(f.index_of(calls, "wait demo-migrate") < f.index_of(calls, "create demo-web"));
  const auto& done = f.outcome(r, "migrate");
  CHECK(done.status == Phase::up);
  CHECK(done.exit_code == 0);
  CHECK(done.attempts == 1);
  CHECK(f.outcome(r, "web").attempts == 0);  // not a job
  CHECK(f.events.phases("migrate") == "creating starting waiting up");
  CHECK(f.events.of("migrate").back().attempts == 1);
}

TEST_CASE("jobs: a failed job fails with its exit code and skips its dependents") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {3};
  f.project.services = {job("migrate", "migrate"), svc("web", {"migrate"}), svc("other")};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  const auto& failed = f.outcome(r, "migrate");
  CHECK(failed.status == Phase::failed);
  CHECK(failed.reason == "exited with code 3");
  CHECK(failed.exit_code == 3);
  CHECK(failed.attempts == 1);
  CHECK(f.outcome(r, "web").status == Phase::skipped);
  CHECK(f.outcome(r, "web").cause == "migrate");
  CHECK(f.outcome(r, "other").status == Phase::up);
  CHECK_FALSE(f.engine.container_named("demo-web"));
}

TEST_CASE("jobs: a code of success_exit_codes is a success") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {3};
  auto j = job("migrate", "migrate");
  j.job.success_exit_codes = {3};
  f.project.services = {j, svc("web", {"migrate"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "migrate").exit_code == 3);
  CHECK(f.outcome(r, "web").status == Phase::up);
}

TEST_CASE("jobs: retries run the same container again until it succeeds") {
  Fixture f;
  f.engine.add_image("flaky", "sha256:f");
  f.engine.run_exit_codes["flaky"] = {1, 1, 0};
  auto j = job("flaky", "flaky");
  j.job.retries.limit = 3;
  j.job.retries.delay = 0;
  f.project.services = {j};
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "flaky").attempts == 3);
  CHECK(count(f.engine.mutations(), "start demo-flaky") == 3);
  CHECK(count(f.engine.mutations(), "create demo-flaky") == 1);
}

TEST_CASE("jobs: the retry limit ends it, with the last exit code and every attempt counted") {
  Fixture f;
  f.engine.add_image("flaky", "sha256:f");
  f.engine.run_exit_codes["flaky"] = {1, 2};
  auto j = job("flaky", "flaky");
  j.job.retries.limit = 2;
  j.job.retries.delay = 0;
  f.project.services = {j};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "flaky").attempts == 3);
  CHECK(f.outcome(r, "flaky").exit_code == 2);
}

TEST_CASE("jobs: with on_exit only those codes are run again") {
  Fixture f;
  f.engine.add_image("flaky", "sha256:f");
  f.engine.run_exit_codes["flaky"] = {1, 0};
  auto j = job("flaky", "flaky");
  j.job.retries.limit = 3;
  j.job.retries.delay = 0;
  j.job.retries.on_exit = {75};
  f.project.services = {j};
  auto r = f.start();
  CHECK(f.outcome(r, "flaky").status == Phase::failed);
  CHECK(f.outcome(r, "flaky").attempts == 1);

  Fixture g;
  g.engine.add_image("flaky", "sha256:f");
  g.engine.run_exit_codes["flaky"] = {75, 0};
  g.project.services = {j};
  r = g.start();
  CHECK(g.outcome(r, "flaky").status == Phase::up);
  CHECK(g.outcome(r, "flaky").attempts == 2);
}

TEST_CASE("jobs: a second start keeps a job done for the same definition; a rerun runs it in its container") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {0, 0};
  f.project.services = {job("migrate", "migrate"), svc("web", {"migrate"})};
  REQUIRE(f.start().exit_code() == 0);
  const auto id = f.engine.container_named("demo-migrate")->info.id;
  auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "migrate").status == Phase::kept);
  CHECK(f.outcome(r, "migrate").job);
  CHECK(f.outcome(r, "migrate").exit_code == 0);
  CHECK(f.outcome(r, "migrate").reason == "done: exited 0 last time, unchanged");
  CHECK(count(f.engine.mutations(), "start demo-migrate") == 1);
  CHECK(f.events.of("migrate").back().job);

  StartRequest rerun;
  rerun.services = {"migrate"};
  rerun.rerun = {"migrate"};
  r = f.runtime().start(rerun);
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "migrate").action == ActionKind::start);
  CHECK(f.outcome(r, "migrate").attempts == 1);
  CHECK(f.engine.container_named("demo-migrate")->info.id == id);
  CHECK(count(f.engine.mutations(), "start demo-migrate") == 2);
}

TEST_CASE("jobs: a job whose last run failed runs again on the next start") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {3, 0};
  f.project.services = {job("migrate", "migrate"), svc("web", {"migrate"})};
  REQUIRE(f.start().exit_code() == 1);
  const auto r = f.start();
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "migrate").status == Phase::up);
  CHECK(f.outcome(r, "web").status == Phase::up);
}

TEST_CASE("jobs: did_run decides whether a job runs, on its container, and is not asked on a rerun") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {0, 0};
  auto j = job("migrate", "migrate");
  j.has_did_run = true;
  f.project.services = {j, svc("web", {"migrate"})};
  bool ran = true;
  std::vector<std::string> asked_on;
  f.hooks.on("migrate", Hook::did_run, [&](const std::string& container) {
    asked_on.push_back(container);
    HookResult r;
    r.value = ran;
    return r;
  });
  auto r = f.start();  // true with no container: done, nothing made
  CHECK(r.exit_code() == 0);
  CHECK(f.outcome(r, "migrate").status == Phase::kept);
  CHECK(f.outcome(r, "migrate").reason == "did_run returned true");
  CHECK_FALSE(f.engine.container_named("demo-migrate"));
  CHECK(f.outcome(r, "web").status == Phase::up);
  REQUIRE(asked_on.size() == 1);
  CHECK(asked_on[0].empty());

  ran = false;
  r = f.start();
  CHECK(f.outcome(r, "migrate").status == Phase::up);
  CHECK(f.outcome(r, "migrate").attempts == 1);
  const auto id = f.engine.container_named("demo-migrate")->info.id;
  r = f.start();  // false again, though it exited 0: it runs again, in its container
  CHECK(f.outcome(r, "migrate").reason == "did_run returned false: running it again");
  CHECK(asked_on.back() == id);

  const auto asked = asked_on.size();
  StartRequest rerun;
  rerun.services = {"migrate"};
  rerun.rerun = {"migrate"};
  ran = true;
  r = f.runtime().start(rerun);
  CHECK(f.outcome(r, "migrate").status == Phase::up);
  CHECK(asked_on.size() == asked);
}

TEST_CASE("jobs: a did_run that raises fails the job with one line naming the hook") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  auto j = job("migrate", "migrate");
  j.has_did_run = true;
  f.project.services = {j, svc("web", {"migrate"})};
  f.hooks.on("migrate", Hook::did_run, [](const std::string&) {
    return HookResult{HookResult::Status::error, false, "services.lua:3: boom", ""};
  });
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "migrate").status == Phase::failed);
  CHECK(f.outcome(r, "migrate").reason == "did_run failed: services.lua:3: boom");
  CHECK(f.outcome(r, "web").status == Phase::skipped);
}

TEST_CASE("jobs: post_run runs after every run with its exit code; on_done gets every job's result") {
  Fixture f;
  f.engine.add_image("flaky", "sha256:f");
  f.engine.add_image("broken", "sha256:b");
  f.engine.run_exit_codes["flaky"] = {1, 0};
  f.engine.run_exit_codes["broken"] = {3};
  auto j = job("flaky", "flaky");
  j.job.retries.limit = 2;
  j.job.retries.delay = 0;
  j.has_post_run = true;
  f.project.services = {j, job("broken", "broken"), job("after", "flaky", {"broken"})};
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  const auto calls = f.hooks.calls();
  CHECK(count(calls, "flaky.post_run(1)") == 1);
  CHECK(count(calls, "flaky.post_run(0)") == 1);
  CHECK(f.index_of(calls, "flaky.post_run(1)") < f.index_of(calls, "flaky.post_run(0)"));
  const auto done = f.hooks.done_results();
  REQUIRE(done.size() == 1);
  REQUIRE(done[0].size() == 3);
  CHECK(done[0][0].name == "flaky");
  CHECK(done[0][0].status == "done");
  CHECK(done[0][0].exit_code == 0);
  CHECK(done[0][0].attempts == 2);
  CHECK(done[0][1].status == "failed");
  CHECK(done[0][1].exit_code == 3);
  CHECK(done[0][2].status == "skipped");
  CHECK_FALSE(done[0][2].exit_code.has_value());
}

TEST_CASE("jobs: a post_run that raises fails the job with that run's exit code, and it is not run again") {
  Fixture f;
  f.engine.add_image("flaky", "sha256:f");
  f.engine.run_exit_codes["flaky"] = {1, 0};
  auto j = job("flaky", "flaky");
  j.job.retries.limit = 2;
  j.job.retries.delay = 0;
  j.has_post_run = true;
  f.project.services = {j};
  f.hooks.on("flaky", Hook::post_run, [](const std::string&) {
    return HookResult{HookResult::Status::error, false, "services.lua:4: no report", ""};
  });
  const auto r = f.start();
  CHECK(r.exit_code() == 1);
  CHECK(f.outcome(r, "flaky").reason == "post_run failed: services.lua:4: no report");
  CHECK(f.outcome(r, "flaky").exit_code == 1);
  CHECK(f.outcome(r, "flaky").attempts == 1);
}

TEST_CASE("jobs: pre_start runs before every run of a job, also in its own container; not when it is done") {
  Fixture f;
  f.engine.add_image("migrate", "sha256:m");
  f.engine.run_exit_codes["migrate"] = {0, 0};
  auto j = job("migrate", "migrate");
  j.has_pre_start = true;
  f.project.services = {j};
  REQUIRE(f.start().exit_code() == 0);
  REQUIRE(f.start().exit_code() == 0);  // done: no run, no pre_start
  StartRequest rerun;
  rerun.services = {"migrate"};
  rerun.rerun = {"migrate"};
  REQUIRE(f.runtime().start(rerun).exit_code() == 0);
  CHECK(count(f.hooks.calls(), "migrate.pre_start") == 2);
}

TEST_CASE("pre_pull: runs before the image is pulled, not when it is present; its failure fails the service") {
  Fixture f;
  f.engine.add_pullable("app", "sha256:a");
  auto s = svc("web", {}, "app");
  s.has_pre_pull = true;
  f.project.services = {s};
  REQUIRE(f.start().exit_code() == 0);
  CHECK(count(f.hooks.calls(), "web.pre_pull") == 1);
  REQUIRE(f.start().exit_code() == 0);  // present now
  CHECK(count(f.hooks.calls(), "web.pre_pull") == 1);

  Fixture g;
  g.engine.add_pullable("app", "sha256:a");
  g.project.services = {s, svc("other", {"web"})};
  g.hooks.on("web", Hook::pre_pull, [](const std::string&) {
    return HookResult{HookResult::Status::error, false, "services.lua:2: no login", ""};
  });
  const auto r = g.start();
  CHECK(r.exit_code() == 1);
  CHECK(g.outcome(r, "web").reason == "pre_pull failed: services.lua:2: no login");
  CHECK(g.outcome(r, "other").status == Phase::skipped);
  CHECK(count(g.engine.calls(), "pull app") == 0);
}
