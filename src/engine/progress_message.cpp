#include "engine/progress_message.h"

namespace boss {

namespace {

std::string string_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void append_lines(const std::string& text, std::vector<std::string>& lines) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
}

// A "Downloading"/"Extracting" update with byte counts; there are hundreds per layer.
bool is_progress_tick(const nlohmann::json& object) {
  const auto detail = object.find("progressDetail");
  return detail != object.end() && detail->is_object() && detail->contains("current");
}

}  // namespace

ProgressMessage read_progress_message(const nlohmann::json& object) {
  ProgressMessage message;
  if (!object.is_object()) return message;

  std::string error = string_field(object, "error");
  if (const auto detail = object.find("errorDetail");
      error.empty() && detail != object.end() && detail->is_object())
    error = string_field(*detail, "message");
  if (!error.empty()) {
    while (!error.empty() && (error.back() == '\n' || error.back() == '\r')) error.pop_back();
    message.error = error;
    return message;
  }

  if (const std::string stream = string_field(object, "stream"); !stream.empty()) {
    append_lines(stream, message.lines);
    return message;
  }
  const std::string status = string_field(object, "status");
  if (status.empty() || is_progress_tick(object)) return message;
  const std::string id = string_field(object, "id");
  message.lines.push_back(id.empty() ? status : id + ": " + status);
  return message;
}

}  // namespace boss
