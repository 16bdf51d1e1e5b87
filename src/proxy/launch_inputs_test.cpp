#include "proxy/launch_inputs.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("launch inputs: the JSON for its token only; 403 without or with another, 404 for none") {
  LaunchInputs inputs;
  const std::string token = inputs.add("viz-a", R"({"a":1})");
  CHECK(token.size() == 32);
  CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(inputs.find("viz-a", token).status == 200);
  CHECK(inputs.find("viz-a", token).body == R"({"a":1})");
  CHECK(inputs.find("viz-a", std::nullopt).status == 403);
  CHECK(inputs.find("viz-a", std::string("x")).status == 403);
  CHECK(inputs.find("viz-a", std::string("x")).body == "wrong token for the input of 'viz-a'");
  CHECK(inputs.find("viz-b", token).status == 404);
  const std::string again = inputs.add("viz-a", "[]");  // a new launch of the name: a new token
  CHECK(again != token);
  CHECK(inputs.find("viz-a", token).status == 403);
  CHECK(inputs.find("viz-a", again).body == "[]");
  inputs.forget("viz-a");
  CHECK(inputs.find("viz-a", again).status == 404);
}

TEST_CASE("launch inputs: the route is open (no admin token), a prefix") {
  LaunchInputs inputs;
  AdminRoutes routes;
  add_input_route(routes, inputs);
  const auto found = routes.find("GET", "/inputs/viz-a");
  REQUIRE(found.handler);
  CHECK(found.open);
  CHECK(found.rest == "viz-a");
  CHECK_FALSE(routes.find("GET", "/").open);
}
