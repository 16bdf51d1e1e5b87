// Where `boss proxy` sends one request: the routing decision, made from the request's Host
// header and target and the project's definitions alone. Pure: no sockets, no engine, no
// Boost, so every rule is unit-tested here and the server only carries decisions out.
//
// A request is routed
//   - by host: `<service>.localhost` or `<service>.<domain>` (the service's host name,
//     core/validate.h's hostname_for, without regard to case) -> that service, target as sent;
//   - else by path: `/<service>/rest` -> that service, target `/rest` (query kept) and
//     `X-Forwarded-Prefix: /<service>`; `/<service>` alone is redirected to `/<service>/`
//     so the app's relative links resolve under the prefix.
// Only services with an `http` field are routed. Path routing answers on `localhost`,
// `<domain>` and IP literals; any other host is refused (421), never forwarded.
// `/_boss/...` on those hosts is the proxy's own admin pages (admin.h; `/_boss` alone is
// redirected to `/_boss/`); no service can take that name (names start with a letter or
// digit), and traversal into it (`/web/../_boss/`) is refused like any other.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/project.h"

namespace boss {

// Forward the request to `service`'s http port.
struct ProxyRoute {
  std::string service;
  std::string target;  // the upstream's request target: "/rest?query"
  std::string prefix;  // X-Forwarded-Prefix: "/<service>" for a path route, "" for a host route
  bool operator==(const ProxyRoute&) const = default;
};

// The proxy answers itself: a refusal (4xx) or a redirect (308 with `location`), or an
// on-demand service's starting or failure page (demand_page.h).
struct ProxyReply {
  int status = 0;
  std::string reason;    // one line, for the log (and the body when `body` is empty)
  std::string location = {};  // redirects only
  std::string body = {};          // "": "<status> <text>: <reason>" as text/plain
  std::string content_type = {};  // of `body`
  int retry_after = 0;            // seconds, for a Retry-After header; 0: none
  std::vector<std::pair<std::string, std::string>> headers = {};  // more fields (Allow, WWW-Authenticate)
  bool operator==(const ProxyReply&) const = default;
};

// The proxy's admin pages answer it (admin.h).
struct AdminTarget {
  std::string path;   // after "/_boss", still escaped: "/", "/logs/web"
  std::string query;  // after '?', "" when none
  bool operator==(const AdminTarget&) const = default;
};

using RouteDecision = std::variant<ProxyRoute, ProxyReply, AdminTarget>;

// `domain` is normalized (lowercase, no leading or trailing dot); `host` is the Host header
// as sent ("" when there was none); `target` is the request target as sent.
RouteDecision route_request(const Project& project, std::string_view domain, std::string_view host,
                            std::string_view target);

// Whether `domain` can be given to --domain: dot-separated host name labels.
bool is_valid_proxy_domain(std::string_view domain);

}  // namespace boss
