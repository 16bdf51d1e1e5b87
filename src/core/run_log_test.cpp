#include "core/run_log.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/time_text.h"
#include "testing/temp_path.h"

using namespace boss;

namespace {

struct TempDir {
  std::filesystem::path path =
      boss::testing::unique_temp_path("boss-run-log-");
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RunRecord run(const std::string& started, int attempt, int code) {
  RunRecord r;
  r.job = "migrate";
  r.attempt = attempt;
  r.started = started;
  r.ended = started;
  r.exit_code = code;
  r.container_id = "c1";
  return r;
}

}  // namespace

TEST_CASE("run log: file names are the UTC start to the millisecond and the attempt") {
  const auto t = *parse_rfc3339("2026-12-07T04:26:11.123456789Z");
  CHECK(run_file_stem(t, 2) == "20261207T042611.123Z-2");
  CHECK(run_file_stem(*parse_rfc3339("2026-12-07T05:26:11+01:00"), 1) == "20261207T042611.000Z-1");
}

TEST_CASE("run log: a run's output and record are saved, read back in order, and bounded") {
  TempDir dir;
  const auto first = save_run(dir.path, run("2026-12-07T04:26:11.5Z", 1, 75),
                              {{LogLine::Stream::out, "", "out 1"}, {LogLine::Stream::err, "", "err 1"}});
  CHECK(first.log_file == (dir.path / "20261207T042611.500Z-1.log").string());
  CHECK(read(first.log_file) == "out 1\nerr 1\n");
  save_run(dir.path, run("2026-12-07T04:26:12Z", 2, 0), {});
  save_run(dir.path, run("2026-12-07T04:26:13Z", 3, 0), {});
  auto runs = read_runs(dir.path);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].exit_code == 75);
  CHECK(runs[0].container_id == "c1");
  CHECK(runs[0].log_file == first.log_file);
  CHECK(runs[2].attempt == 3);
  keep_newest_runs(dir.path, 2);
  runs = read_runs(dir.path);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].attempt == 2);
  CHECK_FALSE(std::filesystem::exists(first.log_file));
  CHECK(read_runs(dir.path / "none").empty());
}

TEST_CASE("run log: a job's runs go to logs/<job> beside services.lua, or its log_dir") {
  Project p;
  p.dir = "/app";
  ServiceSpec job;
  job.name = "migrate";
  CHECK(run_log_dir(p, job) == "/app/logs/migrate");
  job.log_dir = "/var/log/app";
  CHECK(run_log_dir(p, job) == "/var/log/app/migrate");
}
