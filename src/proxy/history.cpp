#include "proxy/history.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>

#include <nlohmann/json.hpp>

namespace boss {
namespace {

using json = nlohmann::json;

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(ms);
}

// A container name as a file name: what the engine allows ([a-zA-Z0-9][a-zA-Z0-9_.-]*).
bool safe_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '.' || name.front() == '-') return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

void read_lines(const std::filesystem::path& file, std::deque<RequestRecord>& out, std::size_t last) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (auto record = record_from_json(line)) {
      out.push_back(std::move(*record));
      if (out.size() > last) out.pop_front();
    }
  }
}

}  // namespace

std::string utc_text(std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

std::string record_json(const RequestRecord& r) {
  const json j{{"time", utc_text(r.time)},
               {"method", r.method},
               {"path", r.path},
               {"status", r.status},
               {"duration_ms", std::round(r.duration_ms * 10) / 10}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<RequestRecord> record_from_json(const std::string& line) {
  const json j = json::parse(line, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  const auto time = parse_utc(text("time"));
  if (!time || !j.contains("status") || !j["status"].is_number_integer()) return std::nullopt;
  RequestRecord r;
  r.time = *time;
  r.method = text("method");
  r.path = text("path");
  r.status = j["status"].get<int>();
  r.duration_ms = j.contains("duration_ms") && j["duration_ms"].is_number() ? j["duration_ms"].get<double>() : 0;
  return r;
}

RequestHistory::RequestHistory(std::filesystem::path dir, std::uintmax_t limit)
    : m_dir(std::move(dir)), m_limit(limit) {}

RequestHistory::~RequestHistory() {
  for (auto& [name, open] : m_open)
    if (open.file) std::fclose(open.file);
}

std::filesystem::path RequestHistory::file_of(const std::string& container) const {
  return m_dir / (container + ".jsonl");
}

bool RequestHistory::append(const std::string& container, const RequestRecord& record) {
  if (!safe_name(container)) return false;
  const std::string line = record_json(record) + "\n";
  std::lock_guard lock(m_mutex);
  Open& open = m_open[container];
  const auto fail = [&](const std::string& what) {
    if (m_problem.empty()) m_problem = what + ": " + std::strerror(errno);
    return false;
  };
  if (open.file && open.size + line.size() > m_limit) {
    std::fclose(open.file);
    open.file = nullptr;
    std::error_code ec;
    std::filesystem::rename(file_of(container), m_dir / (container + ".jsonl.1"), ec);
  }
  if (!open.file) {
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    open.file = std::fopen(file_of(container).c_str(), "a");
    if (!open.file) return fail("cannot write " + file_of(container).string());
    const auto size = std::filesystem::file_size(file_of(container), ec);
    open.size = ec ? 0 : size;
    if (open.size > 0 && open.size + line.size() > m_limit) {  // a file an earlier proxy filled
      std::fclose(open.file);
      std::filesystem::rename(file_of(container), m_dir / (container + ".jsonl.1"), ec);
      open.file = std::fopen(file_of(container).c_str(), "a");
      if (!open.file) return fail("cannot write " + file_of(container).string());
      open.size = 0;
    }
  }
  if (std::fwrite(line.data(), 1, line.size(), open.file) != line.size() || std::fflush(open.file) != 0)
    return fail("cannot write " + file_of(container).string());
  open.size += line.size();
  return true;
}

std::vector<RequestRecord> RequestHistory::read(const std::string& container, std::size_t last) const {
  if (!safe_name(container)) return {};
  std::lock_guard lock(m_mutex);  // not while a rotation renames the files
  std::deque<RequestRecord> out;
  read_lines(m_dir / (container + ".jsonl.1"), out, last);
  read_lines(file_of(container), out, last);
  return {out.begin(), out.end()};
}

std::string RequestHistory::problem() const {
  std::lock_guard lock(m_mutex);
  return m_problem;
}

}  // namespace boss
