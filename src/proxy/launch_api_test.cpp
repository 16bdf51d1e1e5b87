#include "proxy/launch_api.h"

#include <doctest/doctest.h>

using namespace boss;

namespace {

std::string problem_of(std::string_view body) {
  const auto parsed = parse_launch_body(body);
  const auto* problem = std::get_if<std::string>(&parsed);
  return problem ? *problem : "(parsed)";
}

LaunchBody parsed(std::string_view body) {
  const auto out = parse_launch_body(body);
  REQUIRE_MESSAGE(std::holds_alternative<LaunchBody>(out), problem_of(body));
  return std::get<LaunchBody>(out);
}

}  // namespace

TEST_CASE("launch body: template, name and input; input kept as JSON text") {
  CHECK(parsed(R"({"template":"viz"})") == LaunchBody{"viz", "", std::nullopt});
  CHECK(parsed(R"({"template":"viz","name":"one","input":{"a":[1,2],"b":"x"}})") ==
        LaunchBody{"viz", "one", R"({"a":[1,2],"b":"x"})"});
  // Any JSON value is an input, null included.
  CHECK(parsed(R"({"input":[1],"template":"viz"})").input == "[1]");
  CHECK(parsed(R"({"template":"viz","input":null})").input == "null");
  CHECK(parsed(R"({"template":"viz","input":"text"})").input == R"("text")");
}

TEST_CASE("launch body: each bad body is one line naming what is wrong") {
  CHECK(problem_of("") == R"(the body is not JSON (send {"template": "NAME", "input": {...}}))");
  CHECK(problem_of("{\"template\":") == problem_of(""));
  CHECK(problem_of("[1]") == "the body must be a JSON object, not an array");
  CHECK(problem_of("\"viz\"") == "the body must be a JSON object, not a string");
  CHECK(problem_of("{}") == "field 'template' is missing");
  CHECK(problem_of(R"({"template":""})") == "field 'template' must not be empty");
  CHECK(problem_of(R"({"template":3})") == "field 'template' must be a string, not a number");
  CHECK(problem_of(R"({"template":"viz","name":true})") == "field 'name' must be a string, not a boolean");
  CHECK(problem_of(R"({"template":"viz","name":""})") == "field 'name' must not be empty (leave it out for a random one)");
  CHECK(problem_of(R"({"template":"viz","image":"evil"})") ==
        "unknown field 'image' (the fields are template, name and input)");
  for (const auto body : {"", "[1]", "{}", R"({"template":"viz","x":1})"})
    CHECK(problem_of(body).find('\n') == std::string::npos);
}
