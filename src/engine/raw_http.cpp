#include "engine/raw_http.h"

#include <cctype>

namespace boss {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string upgrade_request_text(std::string_view method, std::string_view target, std::string_view host,
                                 std::string_view content_type, std::string_view body) {
  std::string text;
  text.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  text.append("Host: ").append(host).append("\r\n");
  text.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
  if (!content_type.empty()) text.append("Content-Type: ").append(content_type).append("\r\n");
  text.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  text.append(body);
  return text;
}

bool head_complete(std::string_view received) {
  return received.ends_with("\r\n\r\n") || received.ends_with("\n\n");
}

std::optional<ResponseHead> parse_response_head(std::string_view head) {
  // "HTTP/1.1 101 UPGRADED"
  if (!head.starts_with("HTTP/1.") || head.size() < 12 || head[8] != ' ') return std::nullopt;
  const std::string_view code = head.substr(9, 3);
  for (const char c : code)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  if (head.size() > 12 && head[12] != ' ' && head[12] != '\r' && head[12] != '\n') return std::nullopt;
  ResponseHead parsed;
  parsed.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  std::size_t at = head.find('\n');
  while (at != std::string_view::npos && at + 1 < head.size()) {
    const std::size_t end = head.find('\n', at + 1);
    const std::string_view line = head.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
    at = end;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (lowercase(trimmed(line.substr(0, colon))) != "content-length") continue;
    const std::string_view value = trimmed(line.substr(colon + 1));
    std::size_t length = 0;
    bool valid = !value.empty() && value.size() < 16;
    for (const char c : value) {
      if (!std::isdigit(static_cast<unsigned char>(c))) valid = false;
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (valid) parsed.content_length = length;
  }
  return parsed;
}

}  // namespace boss
