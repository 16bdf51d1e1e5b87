#include "script/healthcheck_field.h"

#include <doctest/doctest.h>

#include <lua.hpp>

#include <memory>

#include "core/errors.h"

using namespace boss;

namespace {

// Evaluates `expression` in a fresh Lua state and reads it as a healthcheck.
HealthCheck healthcheck_of(const std::string& expression) {
  std::unique_ptr<lua_State, void (*)(lua_State*)> L(luaL_newstate(), lua_close);
  REQUIRE(luaL_dostring(L.get(), ("return " + expression).c_str()) == 0);
  const int top = lua_gettop(L.get());
  HealthCheck check = read_healthcheck(L.get(), -1);
  CHECK(lua_gettop(L.get()) == top);
  return check;
}

std::string error_of(const std::string& expression) {
  try {
    healthcheck_of(expression);
  } catch (const DefinitionError& e) {
    return e.what();
  }
  return "(no error)";
}

std::optional<double> seconds_of(const std::string& expression) {
  std::unique_ptr<lua_State, void (*)(lua_State*)> L(luaL_newstate(), lua_close);
  REQUIRE(luaL_dostring(L.get(), ("return " + expression).c_str()) == 0);
  return seconds_at(L.get(), -1);
}

}  // namespace

TEST_CASE("healthcheck field: a string runs in the shell, an array as given; defaults fill the rest") {
  auto check = healthcheck_of("{ test = 'pg_isready -U app' }");
  CHECK(check.test == std::vector<std::string>{"CMD-SHELL", "pg_isready -U app"});
  CHECK(check.interval == 1);
  CHECK(check.timeout == 2);
  CHECK(check.retries == 3);
  CHECK(check.start_period == 0);
  CHECK(check.start_interval == 0.2);
  check = healthcheck_of("{ test = { 'CMD', 'pg_isready' }, interval = '500ms', timeout = 1.5, retries = 5, "
                         "start_period = '1m', start_interval = '1s' }");
  CHECK(check.test == std::vector<std::string>{"CMD", "pg_isready"});
  CHECK(check.interval == 0.5);
  CHECK(check.timeout == 1.5);
  CHECK(check.retries == 5);
  CHECK(check.start_period == 60);
  CHECK(check.start_interval == 1);
  CHECK(healthcheck_of("false").disabled());
}

TEST_CASE("healthcheck field: bad values are named") {
  CHECK(error_of("{ test = 'x', intervl = 1 }") == "has unknown key 'intervl' (did you mean 'interval'?)");
  CHECK(error_of("{ interval = 1 }") == "needs a 'test': a command string, or { 'CMD', 'program', 'arg', ... }");
  CHECK(error_of("{ test = '  ' }") == "key 'test' must not be empty");
  CHECK(error_of("{ test = {} }") == "key 'test' must not be empty");
  CHECK(error_of("{ test = { 'CMD' } }") == "key 'test' must not be empty: 'CMD' needs a command after it");
  CHECK(error_of("{ test = { 'pg_isready' } }") ==
        "key 'test' as an array must start with 'CMD' or 'CMD-SHELL', got 'pg_isready' (or give a string: it runs in "
        "the container's shell)");
  CHECK(error_of("{ test = { 'CMD', 5 } }") == "key 'test' item 2 must be a string, got 5");
  CHECK(error_of("{ test = 'x', timeout = 'soon' }") ==
        "key 'timeout' must be a duration such as 1, 0.5 or '500ms', got 'soon'");
  CHECK(error_of("{ test = 'x', interval = 0 }") == "key 'interval' must be at least 1ms, got 0");
  CHECK(error_of("{ test = 'x', start_period = -1 }") ==
        "key 'start_period' must be a duration such as 1, 0.5 or '500ms', got -1");
  CHECK(error_of("{ test = 'x', retries = 1.5 }") == "key 'retries' must be a whole number of at least 1, got 1.5");
  CHECK(error_of("true") == "must be a table { test = ..., interval = ... } or false, got true");
  CHECK(error_of("'pg_isready'") == "must be a table { test = ..., interval = ... } or false, got 'pg_isready'");
}

TEST_CASE("healthcheck field: seconds as numbers or duration strings") {
  CHECK(seconds_of("2.5") == 2.5);
  CHECK(seconds_of("'1m30s'") == 90);
  CHECK(seconds_of("'500ms'") == 0.5);
  CHECK_FALSE(seconds_of("'later'"));
  CHECK_FALSE(seconds_of("-1"));
  CHECK_FALSE(seconds_of("{}"));
}
