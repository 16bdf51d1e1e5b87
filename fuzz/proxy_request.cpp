// Fuzz target: what `boss proxy` does with a request before any socket to a container is
// opened: Beast's parser reads the header (with the proxy's 16 KiB limit), then the
// routing decision (proxy/route) is made from its Host and target against a fixed
// project. Checked besides crashes: a request is only ever forwarded to a service that
// has an http field, with a target that starts with '/' and holds no '.' or '..' segment
// however it is escaped; a path route's prefix is "/<service>"; a refusal is a 4xx or a
// 308 with a location; an admin target is a path under /_boss with no dot segment either.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <string>

#include "core/project.h"
#include "fuzz_input.h"
#include "proxy/route.h"

namespace {

namespace http = boost::beast::http;

const boss::Project& project() {
  static const boss::Project fixed = [] {
    boss::Project p;
    p.name = "fuzz";
    for (const char* name : {"web", "api", "db"}) {
      boss::ServiceSpec spec;
      spec.name = name;
      spec.image = "busybox";
      if (spec.name != "db") spec.http = boss::HttpEndpoint{8080};
      p.services.push_back(spec);
    }
    return p;
  }();
  return fixed;
}

// The path with every %XX decoded and '\' read as '/': what an upstream might resolve.
std::string decoded_path(const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      out += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += path[i] == '\\' ? '/' : path[i];
    }
  }
  return out;
}

bool has_dot_segment(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string segment = path.substr(start, slash - start);
    if (segment == "." || segment == "..") return true;
    start = slash + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(16 * 1024);
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const std::string host(req[http::field::host]);
  const std::string target(req.target());
  const boss::RouteDecision decision = boss::route_request(project(), "example.test", host, target);
  if (const auto* route = std::get_if<boss::ProxyRoute>(&decision)) {
    const boss::ServiceSpec* service = project().find(route->service);
    if (!service || !service->http) __builtin_trap();
    if (route->target.empty() || route->target.front() != '/') __builtin_trap();
    if (has_dot_segment(decoded_path(route->target))) __builtin_trap();
    if (!route->prefix.empty() && route->prefix != "/" + route->service) __builtin_trap();
  } else if (const auto* admin = std::get_if<boss::AdminTarget>(&decision)) {
    if (admin->path.empty() || admin->path.front() != '/') __builtin_trap();
    if (has_dot_segment(decoded_path(admin->path))) __builtin_trap();
  } else {
    const auto& reply = std::get<boss::ProxyReply>(decision);
    const bool redirect = reply.status == 308 && !reply.location.empty();
    if (!redirect && (reply.status < 400 || reply.status > 499)) __builtin_trap();
    if (reply.reason.empty()) __builtin_trap();
  }
  return 0;
}
