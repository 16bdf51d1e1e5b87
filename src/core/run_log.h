// The record of a job's runs, kept beside services.lua: every run (attempt) writes its
// output to `<log_dir>/<job>/<UTC start>-<attempt>.log` (stdout and stderr in the
// engine's order) and a JSON record of it to the same name with `.json`: start, end,
// exit code, attempt, container id, whether it timed out. `boss history` reads them back;
// `--keep-runs N` keeps the newest N runs of each job. A file format only: the engine
// side (which lines belong to a run) is job_run's.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

struct RunRecord {
  std::string job;
  int attempt = 1;
  std::string started;  // RFC 3339, the engine's (UTC)
  std::string ended;
  int exit_code = 0;
  bool timed_out = false;
  std::string container_id;
  std::string log_file;  // absolute path of its output
  bool operator==(const RunRecord&) const = default;
};

// Where `job`'s runs go: its log_dir (absolute), else `logs/` beside services.lua; then
// the job's name.
std::filesystem::path run_log_dir(const Project& project, const ServiceSpec& job);

// "20261207T042611.123Z-2": the start in UTC (to the millisecond) and the attempt; names
// sort in the order the runs began.
std::string run_file_stem(std::chrono::system_clock::time_point started, int attempt);

// Writes the run's output and record into `dir` (made when missing); returns the record
// with its log_file. Throws std::runtime_error naming the file when it cannot be written.
RunRecord save_run(const std::filesystem::path& dir, RunRecord record, const std::vector<LogLine>& lines);

// Every run recorded in `dir`, oldest first; records that cannot be read are left out.
std::vector<RunRecord> read_runs(const std::filesystem::path& dir);

// The runs of `jobs` (names of jobs of `project`), by when they began.
std::vector<RunRecord> read_history(const Project& project, const std::vector<std::string>& jobs);

// Removes all but the newest `keep` runs (their .log and .json) from `dir`.
void keep_newest_runs(const std::filesystem::path& dir, std::size_t keep);

}  // namespace boss
