#include "proxy/route.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

Project demo() {
  Project p;
  p.name = "demo";
  for (const char* name : {"web", "api_v2", "db"}) {
    ServiceSpec s;
    s.name = name;
    s.image = "img";
    if (s.name != "db") s.http = HttpEndpoint{8080};
    p.services.push_back(s);
  }
  return p;
}

RouteDecision route(std::string_view host, std::string_view target, std::string_view domain = "localhost") {
  return route_request(demo(), domain, host, target);
}

ProxyReply refusal(std::string_view host, std::string_view target, std::string_view domain = "localhost") {
  const RouteDecision decision = route(host, target, domain);
  REQUIRE(std::holds_alternative<ProxyReply>(decision));
  return std::get<ProxyReply>(decision);
}

int status_of(std::string_view host, std::string_view target) { return refusal(host, target).status; }

}  // namespace

TEST_CASE("proxy route: by path, the prefix stripped and the query kept") {
  CHECK(route("localhost:8000", "/web/index.html?a=1&b=/x") == RouteDecision{ProxyRoute{"web", "/index.html?a=1&b=/x", "/web"}});
  CHECK(route("127.0.0.1:8000", "/web/") == RouteDecision{ProxyRoute{"web", "/", "/web"}});
  CHECK(route("[::1]:8000", "/api_v2/users/7") == RouteDecision{ProxyRoute{"api_v2", "/users/7", "/api_v2"}});
  CHECK(route("LOCALHOST", "/web//deep") == RouteDecision{ProxyRoute{"web", "//deep", "/web"}});
  CHECK(route("example.test", "/web/x", "example.test") == RouteDecision{ProxyRoute{"web", "/x", "/web"}});
  // The service's root without its slash: a redirect, so relative links stay under the prefix.
  CHECK(route("localhost", "/web?q=1") == RouteDecision{ProxyReply{308, "the service's root is /web/", "/web/?q=1"}});
}

TEST_CASE("proxy route: by host, the target as sent") {
  CHECK(route("web.localhost:8000", "/web/x?y") == RouteDecision{ProxyRoute{"web", "/web/x?y", ""}});
  CHECK(route("Web.LocalHost.", "/") == RouteDecision{ProxyRoute{"web", "/", ""}});
  CHECK(route("api-v2.localhost", "/users") == RouteDecision{ProxyRoute{"api_v2", "/users", ""}});
  CHECK(route("web.apps.example.test", "/a", "apps.example.test") == RouteDecision{ProxyRoute{"web", "/a", ""}});
  CHECK(route("web.localhost", "/a", "apps.example.test") == RouteDecision{ProxyRoute{"web", "/a", ""}});
}

TEST_CASE("proxy route: unknown services and hosts are refused, never forwarded") {
  CHECK(refusal("localhost", "/nope/x") ==
        ProxyReply{404, "no service 'nope' (http services: web, api_v2)", ""});
  CHECK(refusal("localhost", "/wbe/x") ==
        ProxyReply{404, "no service 'wbe' (did you mean 'web'?) (http services: web, api_v2)", ""});
  CHECK(refusal("localhost", "/db/x") == ProxyReply{404, "service 'db' has no http field (http = { port = ... })", ""});
  CHECK(refusal("localhost", "/") == ProxyReply{404, "no service in the path: use /<service>/ (http services: web, api_v2)", ""});
  CHECK(refusal("db.localhost", "/") == ProxyReply{404, "no http service answers to host 'db.localhost' (http services: web, api_v2)", ""});
  CHECK(status_of("a.web.localhost", "/") == 404);
  CHECK(refusal("evil.example", "/web/") ==
        ProxyReply{421, "host 'evil.example' is not served here: use <service>.localhost or /<service>/", ""});
  CHECK(status_of("web.localhost.evil.example", "/") == 421);
}

TEST_CASE("proxy route: path traversal, in any spelling, is refused") {
  for (const char* target : {"/web/../_boss/", "/web/..", "/web/%2e%2e/_boss/", "/web/%2E./x", "/web%2f..%2f_boss/",
                             "/web/..%5c_boss", "/web\\..\\_boss", "/web/./x", "/../web/"}) {
    INFO(target);
    CHECK(status_of("localhost", target) == 400);
    CHECK(status_of("web.localhost", target) == 400);
  }
  CHECK(refusal("localhost", "/web/../_boss/").reason == "path traversal ('..' segment) refused");
  // Dots inside a name are no traversal; neither is a query that holds "..".
  CHECK(std::holds_alternative<ProxyRoute>(route("localhost", "/web/a..b/.hidden/...")));
  CHECK(std::holds_alternative<ProxyRoute>(route("localhost", "/web/x?path=../..")));
}

TEST_CASE("proxy route: /_boss/ is the admin pages, on the hosts that route by path") {
  CHECK(route("localhost:8000", "/_boss/") == RouteDecision{AdminTarget{"/", ""}});
  CHECK(route("127.0.0.1", "/_boss/logs/web?follow=1") == RouteDecision{AdminTarget{"/logs/web", "follow=1"}});
  CHECK(route("[::1]:8000", "/_boss/history/web") == RouteDecision{AdminTarget{"/history/web", ""}});
  CHECK(route("localhost", "/_boss?x=1") == RouteDecision{ProxyReply{308, "the admin pages are at /_boss/", "/_boss/?x=1"}});
  // A host route is the service's: its own /_boss/ path goes to it.
  CHECK(route("web.localhost", "/_boss/") == RouteDecision{ProxyRoute{"web", "/_boss/", ""}});
  // Traversal into it stays refused, as are names that only look like it.
  CHECK(status_of("localhost", "/web/../_boss/") == 400);
  CHECK(status_of("localhost", "/web/%2e%2e/_boss/") == 400);
  CHECK(status_of("localhost", "/_BOSS/") == 404);
  CHECK(status_of("localhost", "/_bossx/") == 404);
}

TEST_CASE("proxy route: malformed requests are 400") {
  CHECK(refusal("", "/web/") == ProxyReply{400, "missing Host header", ""});
  for (const char* host : {"web.localhost:", "web.localhost:80x", "a b", "[::1", "[]:80", "web_x.localhost", "x:1:2"}) {
    INFO(host);
    CHECK(refusal(host, "/web/") == ProxyReply{400, "malformed Host header", ""});
  }
  CHECK(refusal("localhost", "http://evil/web/").reason == "the request target must be a path (origin form)");
  CHECK(status_of("localhost", "*") == 400);
  CHECK(refusal("localhost", "/web/%zz").reason == "malformed percent-escape in the path");
  CHECK(refusal("localhost", "/web/%4").reason == "malformed percent-escape in the path");
  CHECK(refusal("localhost", "/web/a%00b").reason == "control character in the path");
}

TEST_CASE("proxy route: --domain takes host names") {
  CHECK(is_valid_proxy_domain("localhost"));
  CHECK(is_valid_proxy_domain("apps.example-1.test"));
  for (const char* bad : {"", ".", "a..b", ".example", "example.", "ex ample", "-x.test", "a_b.test"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_proxy_domain(bad));
  }
}

TEST_CASE("route: a launched container by its name, path and host, to its template's port") {
  Project p = demo();
  ServiceSpec t;
  t.name = "viz";
  t.image = "img";
  t.is_template = true;
  t.http = HttpEndpoint{80};
  p.templates.push_back(t);
  CHECK(route_request(p, "localhost", "localhost", "/viz-ab12/x?q=1") == RouteDecision{ProxyRoute{"viz-ab12", "/x?q=1", "/viz-ab12"}});
  CHECK(route_request(p, "localhost", "viz-ab12.localhost", "/x") == RouteDecision{ProxyRoute{"viz-ab12", "/x", ""}});
  // Not a valid id: no route.
  CHECK(std::holds_alternative<ProxyReply>(route_request(p, "localhost", "localhost", "/viz-AB/")));
  CHECK(std::holds_alternative<ProxyReply>(route_request(p, "localhost", "localhost", "/viz/")));
}
