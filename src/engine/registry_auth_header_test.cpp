#include "engine/registry_auth_header.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/base64.h"

namespace boss {
namespace {

nlohmann::json decoded(const std::string& header) {
  const std::string prefix = "X-Registry-Auth: ";
  REQUIRE(header.rfind(prefix, 0) == 0);
  const std::string value = header.substr(prefix.size());
  CHECK(value.find_first_of("+/") == std::string::npos);  // the URL alphabet
  const auto json = base64_decode(value);
  REQUIRE(json.has_value());
  return nlohmann::json::parse(*json);
}

}  // namespace

TEST_CASE("X-Registry-Auth: user and password with the registry, as base64url JSON") {
  const auto body = decoded(registry_auth_header({"alice", "s3cret?>>", ""}, "127.0.0.1:5000"));
  CHECK(body == nlohmann::json{{"username", "alice"}, {"password", "s3cret?>>"}, {"serveraddress", "127.0.0.1:5000"}});
}

TEST_CASE("X-Registry-Auth: an identity token goes instead of the password") {
  const auto body = decoded(registry_auth_header({"alice", "", "tok-123"}, "registry.example.com"));
  CHECK(body == nlohmann::json{{"identitytoken", "tok-123"}, {"serveraddress", "registry.example.com"}});
}

TEST_CASE("X-Registry-Auth: no credentials is an empty object, which push needs all the same") {
  CHECK(registry_auth_header({}, "docker.io") == "X-Registry-Auth: e30=");
}

TEST_CASE("unauthorized_error: the engine's refusals become one line naming the registry") {
  const std::string expected =
      "pull of 127.0.0.1:5000/app:1 failed: 127.0.0.1:5000: unauthorized (check the credentials for 127.0.0.1:5000)";
  CHECK(unauthorized_error("pull", "127.0.0.1:5000/app:1", "unauthorized: authentication required") == expected);
  CHECK(unauthorized_error("pull", "127.0.0.1:5000/app:1",
                           "Head \"http://127.0.0.1:5000/v2/app/manifests/1\": no basic auth credentials") == expected);
  CHECK(unauthorized_error("push", "team/app", "denied: requested access to the resource is denied") ==
        "push of team/app failed: docker.io: unauthorized (check the credentials for docker.io)");
  CHECK_FALSE(unauthorized_error("pull", "busybox", "manifest unknown").has_value());
}

}  // namespace boss
