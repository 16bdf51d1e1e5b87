#include "proxy/admin.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

AdminHandler noop() {
  return [](const AdminRequest&, AdminResponse&) {};
}

std::string header(const ProxyReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name) return value;
  return "";
}

}  // namespace

TEST_CASE("admin access: without a token, loopback peers only") {
  CHECK_FALSE(check_admin_access("", "127.0.0.1", ""));
  CHECK_FALSE(check_admin_access("", "127.8.9.1", ""));
  CHECK_FALSE(check_admin_access("", "::1", ""));
  CHECK_FALSE(check_admin_access("", "::ffff:127.0.0.1", ""));
  for (const char* peer : {"10.0.0.1", "192.168.1.7", "::ffff:10.0.0.1", "fe80::1", "1.127.0.0", "?"}) {
    INFO(peer);
    const auto refused = check_admin_access("", peer, "");
    REQUIRE(refused);
    CHECK(refused->status == 403);
  }
  // An Authorization header changes nothing when no token is set.
  CHECK(check_admin_access("", "10.0.0.1", "Bearer x")->status == 403);
}

TEST_CASE("admin access: with a token, only the token, from any peer") {
  const auto none = check_admin_access("s3cret", "127.0.0.1", "");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(header(*none, "WWW-Authenticate") == "Bearer realm=\"boss\"");
  CHECK(check_admin_access("s3cret", "127.0.0.1", "Basic czNjcmV0")->status == 401);
  CHECK(check_admin_access("s3cret", "127.0.0.1", "Bearer")->status == 401);
  CHECK(check_admin_access("s3cret", "10.0.0.1", "Bearer s3cre")->status == 403);
  CHECK(check_admin_access("s3cret", "10.0.0.1", "Bearer s3cret2")->status == 403);
  CHECK(check_admin_access("s3cret", "10.0.0.1", "Bearer S3CRET")->status == 403);
  CHECK_FALSE(check_admin_access("s3cret", "10.0.0.1", "Bearer s3cret"));
  CHECK_FALSE(check_admin_access("s3cret", "::1", "bearer  s3cret "));
}

TEST_CASE("admin access: constant-time comparison and token rules") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), "a"));
  CHECK(admin_token_problem("Zm9v-bar_baz.~+/=") == "");
  CHECK(admin_token_problem("") == "is empty");
  CHECK(admin_token_problem("a b") == "may hold only visible ASCII characters (no blanks)");
  CHECK(admin_token_problem(std::string(4097, 'x')) == "is longer than 4096 characters");
}

TEST_CASE("admin routes: exact paths, prefixes, 405 with Allow, 404 naming what exists") {
  AdminRoutes routes;
  routes.add("GET", "/", noop());
  routes.add_prefix("GET", "/logs/", noop());
  routes.add_prefix("DELETE", "/containers/", noop());
  routes.add("POST", "/launch", noop());
  routes.add_prefix("GET", "/files/", noop(), true);

  CHECK(routes.find("GET", "/").handler);
  CHECK(routes.find("HEAD", "/").handler);
  const auto logs = routes.find("GET", "/logs/web");
  CHECK(logs.handler);
  CHECK(logs.rest == "web");
  CHECK(routes.find("DELETE", "/containers/viz-1").rest == "viz-1");
  CHECK(routes.find("GET", "/files/a/b").rest == "a/b");

  const auto wrong = routes.find("GET", "/launch");
  CHECK_FALSE(wrong.handler);
  CHECK(wrong.refusal.status == 405);
  CHECK(header(wrong.refusal, "Allow") == "POST");
  const auto post_root = routes.find("POST", "/");
  CHECK(post_root.refusal.status == 405);
  CHECK(header(post_root.refusal, "Allow") == "GET, HEAD");
  CHECK(routes.find("POST", "/containers/x").refusal.status == 405);

  for (const char* path : {"/nope", "/logs/", "/logs/a/b", "/launch/x", "/logsweb"}) {
    INFO(path);
    const auto missing = routes.find("GET", path);
    CHECK_FALSE(missing.handler);
    CHECK(missing.refusal.status == 404);
  }
  CHECK(routes.find("GET", "/nope").refusal.reason ==
        "no admin page /_boss/nope (GET /_boss/, GET /_boss/logs/<name>, DELETE /_boss/containers/<name>, "
        "POST /_boss/launch, GET /_boss/files/<name>)");
}

TEST_CASE("admin request: query parameters and JSON or HTML") {
  AdminRequest request;
  request.query = "follow=1&tail=20&name=a%20b+c&flag";
  CHECK(request.param("follow") == "1");
  CHECK(request.param("tail") == "20");
  CHECK(request.param("name") == "a b c");
  CHECK(request.param("flag") == "");
  CHECK_FALSE(request.param("other"));
  CHECK(request.wants_json());  // no Accept: a program's
  request.accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
  CHECK_FALSE(request.wants_json());
  request.query = "format=json";
  CHECK(request.wants_json());
  request.accept = "application/json";
  request.query = "";
  CHECK(request.wants_json());
  CHECK(decode_admin_path("/logs/a%2Db") == "/logs/a-b");
  CHECK_FALSE(decode_admin_path("/logs/%zz"));
}
