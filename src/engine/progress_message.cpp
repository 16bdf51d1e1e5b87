#include "engine/progress_message.h"

#include <charconv>

namespace boss {

namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t number_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string_view trim_end(std::string_view text) {
  const auto end = text.find_last_not_of(" \t\r");
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

// "Step 2/5 : RUN make" -> 2 and 5; false for any other line.
bool parse_step(std::string_view line, int& step, int& steps) {
  constexpr std::string_view kStep = "Step ";
  if (line.substr(0, kStep.size()) != kStep) return false;
  const char* const end = line.data() + line.size();
  int number = 0;
  int total = 0;
  auto [slash, error] = std::from_chars(line.data() + kStep.size(), end, number);
  if (error != std::errc() || slash == end || *slash != '/') return false;
  auto [after, total_error] = std::from_chars(slash + 1, end, total);
  if (total_error != std::errc() || (after != end && *after != ' ')) return false;
  step = number;
  steps = total;
  return true;
}

bool same_progress(const ImageProgress& a, const ImageProgress& b) {
  return a.status == b.status && a.current == b.current && a.total == b.total;
}

}  // namespace

std::optional<std::string> ProgressReader::read(const json& object) {
  if (!object.is_object()) return std::nullopt;

  std::string error = string_field(object, "error");
  if (const auto detail = object.find("errorDetail");
      error.empty() && detail != object.end() && detail->is_object())
    error = string_field(*detail, "message");
  if (!error.empty()) {
    while (!error.empty() && (error.back() == '\n' || error.back() == '\r')) error.pop_back();
    return error;
  }

  if (const auto stream = object.find("stream"); stream != object.end() && stream->is_string())
    read_build_output(stream->get_ref<const std::string&>());
  else if (std::string status = string_field(object, "status"); !status.empty())
    read_pull_status(object, std::move(status));
  return std::nullopt;
}

void ProgressReader::finish() {
  if (m_partial.empty()) return;
  build_line(m_partial);
  m_partial.clear();
}

void ProgressReader::read_build_output(std::string_view text) {
  for (;;) {
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) {
      m_partial.append(text);
      return;
    }
    if (m_partial.empty()) {
      build_line(text.substr(0, newline));
    } else {
      m_partial.append(text.substr(0, newline));
      build_line(m_partial);
      m_partial.clear();
    }
    text.remove_prefix(newline + 1);
  }
}

void ProgressReader::build_line(std::string_view line) {
  line = trim_end(line);
  if (line.empty()) return;
  parse_step(line, m_step, m_steps);
  ImageProgress step;
  step.kind = ImageProgress::Kind::build;
  step.text = std::string(line);
  step.step = m_step;
  step.steps = m_steps;
  report(step);
}

void ProgressReader::read_pull_status(const json& object, std::string status) {
  ImageProgress step;
  step.kind = ImageProgress::Kind::pull;
  // "Pulling from library/busybox" names the tag in "id": it is about the whole image.
  if (status.rfind("Pulling from ", 0) != 0) step.layer = string_field(object, "id");
  step.status = std::move(status);
  if (const auto detail = object.find("progressDetail"); detail != object.end() && detail->is_object()) {
    step.current = number_field(*detail, "current");
    step.total = number_field(*detail, "total");
  }
  if (!step.layer.empty()) {
    const auto [last, added] = m_last_by_layer.try_emplace(step.layer, step);
    if (!added && same_progress(last->second, step)) return;
    last->second = step;
  }
  report(step);
}

}  // namespace boss
