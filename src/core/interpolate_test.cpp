#include "core/interpolate.h"

#include <doctest/doctest.h>

#include <map>

using namespace boss;

namespace {

const std::map<std::string, std::string> kValues = {{"HOST", "db"}, {"PORT", "5432"}, {"EMPTY", ""}};

std::optional<std::string> look(const std::string& name) {
  const auto it = kValues.find(name);
  if (it == kValues.end()) return std::nullopt;
  return it->second;
}

InterpolationRules compose_rules() {
  InterpolationRules rules;
  rules.dollar_escape = true;
  rules.strict = true;
  return rules;
}

std::string compose(const std::string& text) { return interpolate(text, look, compose_rules()); }

}  // namespace

TEST_CASE("interpolate: names, defaults, alternatives, as compose has them") {
  CHECK(compose("$HOST:${PORT}/x") == "db:5432/x");
  CHECK(compose("${MISSING}|$MISSING|") == "||");
  CHECK(compose("${EMPTY:-d} ${EMPTY-d} ${MISSING-d} ${MISSING:-d}") == "d  d d");
  CHECK(compose("${HOST:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${MISSING+alt}") == "alt  alt ");
  CHECK(compose("${MISSING:-${HOST}:${PORT:-1}}") == "db:5432");
  CHECK(compose("${HOST:?set it}") == "db");
  CHECK(compose("plain text, no dollar") == "plain text, no dollar");
}

TEST_CASE("interpolate: $$ is a literal dollar only where compose's rules say") {
  CHECK(compose("$$HOST costs $$5") == "$HOST costs $5");
  CHECK(interpolate("$$HOST", look) == "$db");  // .env rules: "$$" is not an escape
  CHECK(interpolate("a $ b $5", look) == "a $ b $5");  // .env: a lone '$' is literal
  CHECK_THROWS_WITH_AS(compose("a $ b"), "invalid interpolation at '$ b' (write $$ for a literal $)",
                       InterpolationError);
  CHECK_THROWS_AS(compose("trailing $"), InterpolationError);
}

TEST_CASE("interpolate: mistakes and required variables are one-line errors") {
  CHECK_THROWS_WITH_AS(compose("${MISSING:?the database password}"), "MISSING: the database password",
                       InterpolationError);
  CHECK_THROWS_WITH_AS(compose("${EMPTY:?}"), "EMPTY: not set or empty", InterpolationError);
  CHECK_THROWS_WITH_AS(compose("${MISSING?}"), "MISSING: not set", InterpolationError);
  CHECK(compose("${EMPTY?}").empty());
  CHECK_THROWS_WITH_AS(compose("${HOST"), "unterminated '${' in value", InterpolationError);
  CHECK_THROWS_WITH_AS(compose("${1X}"), "invalid variable name in '${1X}'", InterpolationError);
  CHECK_THROWS_WITH_AS(compose("${HOST/a/b}"), doctest::Contains("unsupported '${HOST/a/b}'"), InterpolationError);
}

TEST_CASE("interpolate: backslash escapes for double-quoted .env values") {
  InterpolationRules rules;
  rules.backslash_escapes = true;
  CHECK(interpolate(R"(a\nb\t\"\\\$HOST \q)", look, rules) == "a\nb\t\"\\$HOST \\q");
}
