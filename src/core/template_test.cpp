#include "core/template.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

TEST_CASE("template: fills keys and keeps literal braces") {
  const std::map<std::string, std::string> ctx{{"user_id", "42"}, {"db.host", "appdb"}};
  CHECK(fill_template("id={user_id}", ctx) == "id=42");
  CHECK(fill_template("{db.host}:{user_id}", ctx) == "appdb:42");
  CHECK(fill_template("{{\"a\": {user_id}}}", ctx) == "{\"a\": 42}");
  CHECK(fill_template("plain", ctx) == "plain");
  CHECK(template_keys("{a}-{b}{{c}}") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("template: a missing key names the key") {
  try {
    fill_template("x={nope}", {});
    FAIL("expected MissingContextKey");
  } catch (const MissingContextKey& m) {
    CHECK(m.key == "nope");
  }
}

TEST_CASE("template: malformed templates are rejected with a reason") {
  CHECK_THROWS_WITH_AS(check_template("{abc"), doctest::Contains("unterminated '{'"), DefinitionError);
  CHECK_THROWS_WITH_AS(check_template("a}b"), doctest::Contains("single '}'"), DefinitionError);
  CHECK_THROWS_WITH_AS(check_template("{\"a\":1}"), doctest::Contains("invalid context key"), DefinitionError);
  CHECK_THROWS_WITH_AS(check_template("{}"), doctest::Contains("invalid context key"), DefinitionError);
  CHECK_NOTHROW(check_template("{{}}"));
}

TEST_CASE("template: template_literal fills back to its text") {
  for (const std::string text : {"", "plain", "{key}", "a}b{c", "{{x}}", "json: {\"a\": 1}"})
    CHECK(fill_template(template_literal(text), {{"key", "no"}}) == text);
  CHECK(template_literal("{a}") == "{{a}}");
}
