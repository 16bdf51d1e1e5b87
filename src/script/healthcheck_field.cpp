#include "script/healthcheck_field.h"

#include <lua.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/time_text.h"
#include "core/validate.h"
#include "script/service_reader.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

const std::vector<std::string> kKeys = {"test", "interval", "timeout", "retries", "start_period", "start_interval"};
constexpr double kMinimumPeriod = 0.001;  // the engine's smallest interval and timeout

std::string shown(lua_State* L, int index) { return shown_at(L, index); }

[[noreturn]] void fail(const std::string& text) { throw DefinitionError(text); }

std::vector<std::string> read_test(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING) {
    const std::string command = lua_tostring(L, index);
    if (command.find_first_not_of(" \t\r\n") == std::string::npos) fail("key 'test' must not be empty");
    return {"CMD-SHELL", command};
  }
  if (lua_type(L, index) != LUA_TTABLE)
    fail("key 'test' must be a command string or { 'CMD', 'program', 'arg', ... }, got " + shown(L, index));
  std::vector<std::string> test;
  const int n = static_cast<int>(lua_objlen(L, index));
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      fail("key 'test' item " + std::to_string(i) + " must be a string, got " + shown(L, -1));
    test.push_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  if (test.empty()) fail("key 'test' must not be empty");
  if (test.front() != "CMD" && test.front() != "CMD-SHELL")
    fail("key 'test' as an array must start with 'CMD' or 'CMD-SHELL', got '" + test.front() +
         "' (or give a string: it runs in the container's shell)");
  if (test.size() < 2) fail("key 'test' must not be empty: '" + test.front() + "' needs a command after it");
  if (test.front() == "CMD-SHELL" && test.size() != 2)
    fail("key 'test' with 'CMD-SHELL' takes one command string, got " + std::to_string(test.size() - 1));
  return test;
}

double read_period(lua_State* L, int index, const std::string& key, double minimum) {
  const auto seconds = seconds_at(L, index);
  if (!seconds) fail("key '" + key + "' must be a duration such as 1, 0.5 or '500ms', got " + shown(L, index));
  if (*seconds < minimum)
    fail("key '" + key + "' must be " + (minimum > 0 ? "at least 1ms" : "0 or more") + ", got " + shown(L, index));
  return *seconds;
}

}  // namespace

std::string shown_at(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING: return "'" + std::string(lua_tostring(L, index)) + "'";
    case LUA_TNUMBER: return lua_number_text(lua_tonumber(L, index));
    default: return lua_typename(L, lua_type(L, index));
  }
}

std::optional<double> seconds_at(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER) {
    const double value = lua_tonumber(L, index);
    if (!std::isfinite(value) || value < 0) return std::nullopt;
    return value;
  }
  if (lua_type(L, index) == LUA_TSTRING) return parse_duration(lua_tostring(L, index));
  return std::nullopt;
}

double read_stop_timeout(lua_State* L, int index) {
  const auto seconds = seconds_at(L, index);
  if (!seconds) fail("must be a duration such as 10, 2.5 or '500ms', got " + shown(L, index));
  return *seconds;
}

HealthCheck read_healthcheck(lua_State* L, int index) {
  StackGuard guard(L);
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  if (lua_type(L, index) == LUA_TBOOLEAN && !lua_toboolean(L, index)) return disabled_healthcheck();
  if (lua_type(L, index) != LUA_TTABLE)
    fail("must be a table { test = ..., interval = ... } or false, got " +
         std::string(lua_type(L, index) == LUA_TBOOLEAN ? "true" : shown(L, index)));
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    const std::string key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "<" + shown(L, -1) + ">";
    if (std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end()) continue;
    const std::string guess = did_you_mean(key, kKeys);
    fail("has unknown key '" + key + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
  }
  HealthCheck check;
  lua_getfield(L, index, "test");
  if (lua_isnil(L, -1)) fail("needs a 'test': a command string, or { 'CMD', 'program', 'arg', ... }");
  check.test = read_test(L, lua_gettop(L));
  lua_pop(L, 1);
  auto period = [&](const char* key, double& out, double minimum) {
    lua_getfield(L, index, key);
    if (!lua_isnil(L, -1)) out = read_period(L, lua_gettop(L), key, minimum);
    lua_pop(L, 1);
  };
  period("interval", check.interval, kMinimumPeriod);
  period("timeout", check.timeout, kMinimumPeriod);
  period("start_period", check.start_period, 0);
  period("start_interval", check.start_interval, kMinimumPeriod);
  lua_getfield(L, index, "retries");
  if (!lua_isnil(L, -1)) {
    const double retries = lua_tonumber(L, -1);
    if (lua_type(L, -1) != LUA_TNUMBER || std::floor(retries) != retries || retries < 1 || retries > 1000000)
      fail("key 'retries' must be a whole number of at least 1, got " + shown(L, -1));
    check.retries = static_cast<int>(retries);
  }
  lua_pop(L, 1);
  return check;
}

}  // namespace boss
