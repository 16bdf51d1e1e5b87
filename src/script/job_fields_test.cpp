#include "script/job_fields.h"

#include <doctest/doctest.h>

#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "script/lua_host.h"
#include "script/script_test_support.h"

using namespace boss;
using boss::testing_script::RecordingOutput;
using boss::testing_script::TempDir;

namespace {

// services.lua with jobs, read by a fresh host each time.
struct JobFile {
  TempDir dir{"jobs"};
  EventLoop loop;
  ContextStore context;
  RecordingOutput reporter;

  Project load(const std::string& body) {
    LuaHost host(loop, context, reporter);
    return host.load(dir.write("services.lua", "local boss = require 'boss'\n" + body), "");
  }
  std::string error_of(const std::string& body) {
    try {
      load(body);
    } catch (const DefinitionError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string at(int line) const { return (dir.dir() / "services.lua").string() + ":" + std::to_string(line) + ": "; }
};

}  // namespace

TEST_CASE("job fields: kind = 'job' and boss.Job, with success codes, timeout and retries") {
  JobFile f;
  const Project p = f.load(
      "boss.Service:extend { name = 'a', image = 'x', kind = 'job', success_exit_codes = { 3, 4 }, timeout = '2m' }\n"
      "boss.Job:extend { name = 'b', image = 'x', timeout = 1.5,\n"
      "  retries = { limit = 3, delay = '500ms', backoff = 3, max_delay = 10, on_exit = { 75 } } }\n"
      "boss.Job:extend { name = 'c', image = 'x', retries = 2 }\n"
      "boss.Service:extend { name = 'd', image = 'x', kind = 'service' }\n");
  REQUIRE(p.services.size() == 4);
  CHECK(p.services[0].is_job);
  CHECK(p.services[0].job.success_exit_codes == std::vector<int>{3, 4});
  CHECK(p.services[0].job.timeout == 120);
  CHECK(p.services[0].job.retries.limit == 0);
  CHECK(p.services[1].is_job);
  CHECK(p.services[1].job.timeout == 1.5);
  const RetryPolicy& r = p.services[1].job.retries;
  CHECK(r.limit == 3);
  CHECK(r.delay == 0.5);
  CHECK(r.backoff == 3);
  CHECK(r.max_delay == 10);
  CHECK(r.on_exit == std::vector<int>{75});
  CHECK(p.services[2].job.retries.limit == 2);
  CHECK(p.services[2].job.retries.delay == 1);  // the defaults
  CHECK(p.services[2].job.retries.backoff == 2);
  CHECK(p.services[2].job.retries.max_delay == 30);
  CHECK_FALSE(p.services[3].is_job);
  CHECK_FALSE(p.services[3].job.timeout);
}

TEST_CASE("job fields: every bad value is one line naming the service and the field") {
  JobFile f;
  CHECK(f.error_of("boss.Service:extend { name = 'a', image = 'x', kind = 'task' }") ==
        f.at(2) + "service 'a': field 'kind' must be \"service\", \"job\" or \"template\", got 'task'");
  CHECK(f.error_of("boss.Service:extend { name = 'a', image = 'x', retries = 3 }") ==
        f.at(2) + "service 'a': field 'retries' is only for jobs (kind = \"job\", or a class of boss.Job)");
  CHECK(f.error_of("boss.Service:extend { name = 'a', image = 'x', timeout = 3 }") ==
        f.at(2) + "service 'a': field 'timeout' is only for jobs (kind = \"job\", or a class of boss.Job)");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', timeout = 'soon' }") ==
        f.at(2) + "service 'a': field 'timeout' must be a positive duration such as 30, '30s' or '2m', got 'soon'");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', timeout = 0 }") ==
        f.at(2) + "service 'a': field 'timeout' must be a positive duration such as 30, '30s' or '2m', got 0");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', success_exit_codes = { 256 } }") ==
        f.at(2) + "service 'a': field 'success_exit_codes' item 1 must be an exit code from 0 to 255, got 256");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', success_exit_codes = 3 }") ==
        f.at(2) + "service 'a': field 'success_exit_codes' must be an array of exit codes, got 3");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', retries = { limt = 3 } }") ==
        f.at(2) + "service 'a': field 'retries' has unknown key 'limt' (did you mean 'limit'?)");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', retries = { limit = -1 } }") ==
        f.at(2) + "service 'a': field 'retries' key 'limit' must be an integer from 0 to 1000, got -1");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', retries = { backoff = 0.5 } }") ==
        f.at(2) + "service 'a': field 'retries' key 'backoff' must be a number of at least 1 (each wait this many "
                  "times the last), got 0.5");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', retries = { delay = 5, max_delay = 2 } }") ==
        f.at(2) + "service 'a': field 'retries' key 'max_delay' (2 s) must not be shorter than 'delay' (5 s)");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', retries = { on_exit = { 'x' } } }") ==
        f.at(2) + "service 'a': field 'retries' key 'on_exit' item 1 must be an exit code from 0 to 255, got 'x'");
}

TEST_CASE("job fields: schedule, every, overlap and catch_up") {
  JobFile f;
  const Project p = f.load(
      "boss.Job:extend { name = 'a', image = 'x', schedule = '*/10 * * * *', overlap = 'queue', catch_up = true }\n"
      "boss.Job:extend { name = 'b', image = 'x', every = '200ms' }\n"
      "boss.Job:extend { name = 'c', image = 'x', every = 90, schedule = nil }\n"
      "boss.Job:extend { name = 'd', image = 'x' }\n");
  CHECK(p.services[0].job.schedule.cron == "*/10 * * * *");
  CHECK(p.services[0].job.schedule.overlap == Overlap::queue);
  CHECK(p.services[0].job.schedule.catch_up);
  CHECK(p.services[1].job.schedule.every == doctest::Approx(0.2));
  CHECK(p.services[1].job.schedule.overlap == Overlap::skip);
  CHECK(p.services[2].job.schedule.every == doctest::Approx(90));
  CHECK_FALSE(p.services[3].job.schedule.scheduled());
}

TEST_CASE("job fields: a bad schedule is one line naming the service and the field") {
  JobFile f;
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', schedule = '0 */10 * * * *' }") ==
        f.at(2) + "service 'a': field 'schedule' has 6 fields ('0 */10 * * * *'); a cron expression has 5: minute "
                  "hour day-of-month month day-of-week (boss has no seconds field: use every = \"10s\" for that)");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', schedule = '61 * * * *' }") ==
        f.at(2) + "service 'a': field 'schedule' minute field '61': 61 is out of range 0-59");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', schedule = 5 }") ==
        f.at(2) + "service 'a': field 'schedule' must be a cron expression such as \"*/10 * * * *\" or \"@daily\", got 5");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', every = 'soon' }") ==
        f.at(2) + "service 'a': field 'every' must be a duration such as \"10m\", \"2s\" or \"500ms\", got 'soon'");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', every = '10ms' }") ==
        f.at(2) + "service 'a': field 'every' must be at least 100ms, got '10ms'");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', every = '1s', overlap = 'wait' }") ==
        f.at(2) + "service 'a': field 'overlap' must be \"skip\", \"queue\" or \"replace\", got 'wait'");
  CHECK(f.error_of("boss.Job:extend { name = 'a', image = 'x', every = '1s', catch_up = 'yes' }") ==
        f.at(2) + "service 'a': field 'catch_up' must be true or false, got 'yes'");
  CHECK(f.error_of("boss.Service:extend { name = 'a', image = 'x', schedule = '@daily' }") ==
        f.at(2) + "service 'a': field 'schedule' is only for jobs (kind = \"job\", or a class of boss.Job)");
  CHECK(f.error_of("boss.Service:extend { name = 'a', image = 'x', every = '1m' }") ==
        f.at(2) + "service 'a': field 'every' is only for jobs (kind = \"job\", or a class of boss.Job)");
}
