#include "proxy/admin.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "proxy/demand_page.h"

namespace boss {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += plus_is_space && text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool is_loopback_peer(std::string_view peer) {
  if (peer == "::1") return true;
  if (peer.rfind("::ffff:", 0) == 0) peer.remove_prefix(7);
  return peer.rfind("127.", 0) == 0;
}

std::string admin_token_problem(std::string_view token) {
  if (token.empty()) return "is empty";
  if (token.size() > 4096) return "is longer than 4096 characters";
  for (const char c : token)
    if (c <= 0x20 || c >= 0x7f) return "may hold only visible ASCII characters (no blanks)";
  return "";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Every byte of the longer one is looked at, whatever differs where.
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

std::optional<ProxyReply> check_admin_access(std::string_view token, std::string_view peer,
                                             std::string_view authorization) {
  if (token.empty()) {
    if (is_loopback_peer(peer)) return std::nullopt;
    return ProxyReply{403, "the admin pages answer only on loopback (set --admin-token to open them to others)"};
  }
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || lowercase(authorization.substr(0, kScheme.size())) != kScheme) {
    ProxyReply refused{401, "the admin pages need Authorization: Bearer <token>"};
    refused.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"boss\"");
    return refused;
  }
  std::string_view given = authorization.substr(kScheme.size());
  while (!given.empty() && (given.front() == ' ' || given.front() == '\t')) given.remove_prefix(1);
  while (!given.empty() && (given.back() == ' ' || given.back() == '\t')) given.remove_suffix(1);
  if (!constant_time_equal(given, token)) return ProxyReply{403, "wrong admin token"};
  return std::nullopt;
}

std::optional<std::string> AdminRequest::param(std::string_view name) const {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string_view pair = std::string_view(query).substr(start, amp - start);
    const std::size_t equals = pair.find('=');
    const auto key = percent_decode(pair.substr(0, equals), true);
    if (key && *key == name) {
      if (equals == std::string_view::npos) return std::string();
      if (auto value = percent_decode(pair.substr(equals + 1), true)) return value;
      return std::nullopt;
    }
    start = amp + 1;
  }
  return std::nullopt;
}

bool AdminRequest::wants_json() const {
  if (const auto format = param("format")) return *format == "json";
  return !accepts_html(accept);
}

void AdminResponse::error(const AdminRequest& request, int status, const std::string& message) {
  if (request.wants_json()) json(status, nlohmann::json{{"error", message}}.dump() + "\n");
  else send(status, "text/plain; charset=utf-8", message + "\n");
}

void AdminRoutes::add(std::string method, std::string path, AdminHandler handler) {
  m_routes.push_back(Route{std::move(method), std::move(path), false, false, false, std::move(handler)});
}

void AdminRoutes::add_prefix(std::string method, std::string prefix, AdminHandler handler, bool deep, bool open) {
  m_routes.push_back(Route{std::move(method), std::move(prefix), true, deep, open, std::move(handler)});
}

AdminRoutes::Found AdminRoutes::find(std::string_view method, std::string_view path) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  Found found;
  std::string allow;
  for (const auto& route : m_routes) {
    std::string rest;
    if (route.prefix) {
      if (path.size() <= route.path.size() || path.substr(0, route.path.size()) != route.path) continue;
      rest = std::string(path.substr(route.path.size()));
      if (!route.deep && rest.find('/') != std::string::npos) continue;
    } else if (path != route.path) {
      continue;
    }
    if (route.method == wanted) {
      found.handler = &route.handler;
      found.rest = std::move(rest);
      found.open = route.open;
      return found;
    }
    if (allow.find(route.method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == "GET") allow += ", HEAD";
    }
  }
  if (!allow.empty()) {
    found.refusal = ProxyReply{405, std::string(method) + " is not allowed here (allowed: " + allow + ")"};
    found.refusal.headers.emplace_back("Allow", allow);
    return found;
  }
  std::string known;
  for (const auto& line : listing()) known += (known.empty() ? "" : ", ") + line;
  found.refusal = ProxyReply{404, "no admin page /_boss" + std::string(path) + " (" + known + ")"};
  return found;
}

std::vector<std::string> AdminRoutes::listing() const {
  std::vector<std::string> out;
  for (const auto& route : m_routes)
    out.push_back(route.method + " /_boss" + route.path + (route.prefix ? "<name>" : ""));
  return out;
}

std::optional<std::string> decode_admin_path(std::string_view path) { return percent_decode(path, false); }

}  // namespace boss
