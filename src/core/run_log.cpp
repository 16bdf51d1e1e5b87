#include "core/run_log.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/time_text.h"

namespace boss {

namespace fs = std::filesystem;

fs::path run_log_dir(const Project& project, const ServiceSpec& job) {
  const fs::path base = job.log_dir.empty() ? project.dir / "logs" : fs::path(job.log_dir);
  return base / job.name;
}

std::string run_file_stem(std::chrono::system_clock::time_point started, int attempt) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(started);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(started - seconds).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
  char out[96];
  std::snprintf(out, sizeof out, "%s.%03lldZ-%d", text, static_cast<long long>(millis), attempt);
  return out;
}

namespace {

nlohmann::json to_json(const RunRecord& r) {
  return {{"job", r.job},         {"attempt", r.attempt},     {"started", r.started},
          {"ended", r.ended},     {"exit_code", r.exit_code}, {"timed_out", r.timed_out},
          {"container", r.container_id}, {"log_file", r.log_file}};
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

RunRecord save_run(const fs::path& dir, RunRecord record, const std::vector<LogLine>& lines) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot make " + dir.string() + ": " + ec.message());
  const auto started = parse_rfc3339(record.started).value_or(std::chrono::system_clock::now());
  const std::string stem = run_file_stem(started, record.attempt);
  std::string text;
  for (const auto& line : lines) text += line.text + "\n";
  record.log_file = (dir / (stem + ".log")).string();
  write_file(record.log_file, text);
  write_file(dir / (stem + ".json"), to_json(record).dump() + "\n");
  return record;
}

std::vector<RunRecord> read_runs(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::vector<RunRecord> out;
  for (const auto& file : files) {
    std::ifstream in(file);
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) continue;
    RunRecord r;
    r.job = j.value("job", "");
    r.attempt = j.value("attempt", 1);
    r.started = j.value("started", "");
    r.ended = j.value("ended", "");
    r.exit_code = j.value("exit_code", 0);
    r.timed_out = j.value("timed_out", false);
    r.container_id = j.value("container", "");
    r.log_file = j.value("log_file", "");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RunRecord> read_history(const Project& project, const std::vector<std::string>& jobs) {
  std::vector<RunRecord> out;
  for (const auto& name : jobs) {
    const auto runs = read_runs(run_log_dir(project, *project.find(name)));
    out.insert(out.end(), runs.begin(), runs.end());
  }
  const auto when = [](const RunRecord& r) {
    return parse_rfc3339(r.started).value_or(std::chrono::system_clock::time_point{});
  };
  std::stable_sort(out.begin(), out.end(), [&](const RunRecord& a, const RunRecord& b) { return when(a) < when(b); });
  return out;
}

void keep_newest_runs(const fs::path& dir, std::size_t keep) {
  std::vector<fs::path> records;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") records.push_back(it->path());
  if (records.size() <= keep) return;
  std::sort(records.begin(), records.end());
  for (std::size_t i = 0; i + keep < records.size(); ++i) {
    fs::remove(records[i], ec);
    fs::path log = records[i];
    fs::remove(log.replace_extension(".log"), ec);
  }
}

}  // namespace boss
