#include "proxy/upgrade.h"

#include <cctype>

namespace boss {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

bool names_token(std::string_view connection, std::string_view token) {
  while (!connection.empty()) {
    const std::size_t comma = connection.find(',');
    const std::string_view part = trimmed(connection.substr(0, comma));
    if (!part.empty() && same_text(part, token)) return true;
    if (comma == std::string_view::npos) break;
    connection.remove_prefix(comma + 1);
  }
  return false;
}

std::string requested_upgrade(std::string_view connection, std::string_view upgrade) {
  if (!names_token(connection, "upgrade")) return "";
  std::string_view protocol = trimmed(upgrade);
  if (const std::size_t slash = protocol.find('/'); slash != std::string_view::npos) protocol = protocol.substr(0, slash);
  return same_text(protocol, "websocket") ? "websocket" : "";
}

}  // namespace boss
