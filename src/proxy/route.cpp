#include "proxy/route.h"

#include <cctype>
#include <optional>
#include <vector>

#include "core/launch.h"
#include "core/validate.h"

namespace boss {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

constexpr std::string_view kAdminSegment = "_boss";

ProxyReply reply(int status, std::string reason) { return ProxyReply{status, std::move(reason), ""}; }

bool is_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    const std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// The Host header without its port, lowercased and without a trailing dot; an IPv6
// literal keeps its brackets. nullopt: not a host a client may send.
std::optional<std::string> host_name_of(std::string_view header) {
  std::string_view name = header;
  if (!name.empty() && name.front() == '[') {
    const std::size_t close = name.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view inside = name.substr(1, close - 1);
    if (inside.empty()) return std::nullopt;
    for (char c : inside)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return std::nullopt;
    std::string_view rest = name.substr(close + 1);
    name = name.substr(0, close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    header = rest.empty() ? rest : rest.substr(1);
  } else {
    const std::size_t colon = name.find(':');
    header = colon == std::string_view::npos ? std::string_view{} : name.substr(colon + 1);
    name = name.substr(0, colon);
    if (colon != std::string_view::npos && header.empty()) return std::nullopt;
  }
  if (header.size() > 5) return std::nullopt;
  for (char c : header)
    if (c < '0' || c > '9') return std::nullopt;
  std::string host = lowercase(name);
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  if (host.empty() || host.size() > 253) return std::nullopt;
  if (host.front() == '[') return host;
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return std::nullopt;
  return host;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Refuses a path that an upstream could resolve outside the prefix it was given: a "." or
// ".." segment once percent-decoded (so %2e%2e and %2f count), with '\' as a separator too
// (some servers treat it as one); and a malformed escape or a control character.
std::optional<ProxyReply> check_path(std::string_view path) {
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      const int high = i + 2 < path.size() ? hex_value(path[i + 1]) : -1;
      const int low = high >= 0 ? hex_value(path[i + 2]) : -1;
      if (high < 0 || low < 0) return reply(400, "malformed percent-escape in the path");
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return reply(400, "control character in the path");
    decoded += c == '\\' ? '/' : c;
  }
  std::size_t start = 0;
  while (start <= decoded.size()) {
    std::size_t slash = decoded.find('/', start);
    if (slash == std::string::npos) slash = decoded.size();
    const std::string_view segment = std::string_view(decoded).substr(start, slash - start);
    if (segment == "." || segment == "..") return reply(400, "path traversal ('" + std::string(segment) + "' segment) refused");
    start = slash + 1;
  }
  return std::nullopt;
}

const ServiceSpec* http_service_by_host(const Project& project, const std::string& label) {
  for (const auto& s : project.services)
    if (s.http && lowercase(hostname_for(s.name)) == label) return &s;
  return nullptr;
}

std::vector<std::string> http_service_names(const Project& project) {
  std::vector<std::string> out;
  for (const auto& s : project.services)
    if (s.http) out.push_back(s.name);
  return out;
}

std::string listing(const Project& project) {
  std::string out;
  for (const auto& name : http_service_names(project)) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "no service has an http field" : "http services: " + out;
}

RouteDecision route_by_path(const Project& project, std::string_view path, std::string_view query) {
  const std::size_t end = path.find('/', 1);
  const std::string name(path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  if (name == kAdminSegment) {
    if (end == std::string_view::npos) return ProxyReply{308, "the admin pages are at /_boss/", "/_boss/" + std::string(query)};
    return AdminTarget{std::string(path.substr(end)), std::string(query.empty() ? query : query.substr(1))};
  }
  if (name.empty()) return reply(404, "no service in the path: use /<service>/ (" + listing(project) + ")");
  const ServiceSpec* service = project.find(name);
  if (!service) service = template_of_launched(project, name);  // a launched container's, by its name
  if (!service) {
    const std::string guess = did_you_mean(name, http_service_names(project));
    return reply(404, "no service '" + name + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)") + " (" +
                          listing(project) + ")");
  }
  if (!service->http) return reply(404, "service '" + name + "' has no http field (http = { port = ... })");
  const std::string prefix = "/" + name;
  if (end == std::string_view::npos) return ProxyReply{308, "the service's root is " + prefix + "/", prefix + "/" + std::string(query)};
  return ProxyRoute{name, std::string(path.substr(end)) + std::string(query), prefix};
}

}  // namespace

bool is_valid_proxy_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    if (!is_valid_hostname(std::string(domain.substr(start, dot - start)))) return false;
    start = dot + 1;
  }
  return true;
}

RouteDecision route_request(const Project& project, std::string_view domain, std::string_view host_header,
                            std::string_view target) {
  if (host_header.empty()) return reply(400, "missing Host header");
  const auto host = host_name_of(host_header);
  if (!host) return reply(400, "malformed Host header");
  if (target.empty() || target.front() != '/') return reply(400, "the request target must be a path (origin form)");
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question);
  if (auto refused = check_path(path)) return *refused;

  const std::string domain_text(domain);
  if (*host == "localhost" || *host == domain_text || host->front() == '[' || is_ipv4(*host))
    return route_by_path(project, path, query);
  for (const std::string& suffix : {"." + domain_text, std::string(".localhost")}) {
    if (!ends_with(*host, suffix)) continue;
    const std::string label = host->substr(0, host->size() - suffix.size());
    if (const ServiceSpec* service = http_service_by_host(project, label))
      return ProxyRoute{service->name, std::string(target), ""};
    // A launched container's host: <template>-<id>.<domain>.
    if (const ServiceSpec* t = template_of_launched(project, label, true); t && t->http)
      return ProxyRoute{t->name + label.substr(hostname_for(t->name).size()), std::string(target), ""};
    return reply(404, "no http service answers to host '" + *host + "' (" + listing(project) + ")");
  }
  return reply(421, "host '" + *host + "' is not served here: use <service>." + domain_text + " or /<service>/");
}

}  // namespace boss
