#include "script/job_fields.h"

#include <lua.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"
#include "core/validate.h"
#include "script/healthcheck_field.h"
#include "script/service_reader.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

const std::vector<std::string> kRetryKeys = {"limit", "delay", "backoff", "max_delay", "on_exit"};
// More reruns than this would only be a typo.
constexpr int kMaxRetries = 1000;

std::string shown(lua_State* L, int index) { return shown_at(L, index); }

[[noreturn]] void fail(const std::string& text) { throw DefinitionError(text); }

// "key 'on_exit' " inside retries; "" for the field itself (its name comes first).
std::string lead(const std::string& what) { return what.empty() ? "" : what + " "; }

bool is_integer_at(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TNUMBER) return false;
  const double v = lua_tonumber(L, index);
  return std::isfinite(v) && std::floor(v) == v;
}

int read_limit(lua_State* L, int index, const std::string& what) {
  if (!is_integer_at(L, index) || lua_tonumber(L, index) < 0 || lua_tonumber(L, index) > kMaxRetries)
    fail(lead(what) + "must be an integer from 0 to " + std::to_string(kMaxRetries) + ", got " + shown(L, index));
  return static_cast<int>(lua_tonumber(L, index));
}

std::vector<int> exit_codes(lua_State* L, int index, const std::string& what) {
  if (lua_type(L, index) != LUA_TTABLE) fail(lead(what) + "must be an array of exit codes, got " + shown(L, index));
  const int n = static_cast<int>(lua_objlen(L, index));
  int count = 0;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    ++count;
    lua_pop(L, 1);
  }
  if (count != n) fail(lead(what) + "must be an array of exit codes, got a table with other keys");
  std::vector<int> codes;
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    if (!is_integer_at(L, -1) || lua_tonumber(L, -1) < 0 || lua_tonumber(L, -1) > 255)
      fail(lead(what) + "item " + std::to_string(i) + " must be an exit code from 0 to 255, got " + shown(L, -1));
    codes.push_back(static_cast<int>(lua_tonumber(L, -1)));
    lua_pop(L, 1);
  }
  return codes;
}

}  // namespace

bool read_kind(lua_State* L, int index) {
  const std::string kind = lua_type(L, index) == LUA_TSTRING ? lua_tostring(L, index) : "";
  if (kind == "job") return true;
  if (kind == "service") return false;
  fail("must be \"service\", \"job\" or \"template\", got " + shown(L, index));
}

std::vector<int> read_exit_codes(lua_State* L, int index) {
  StackGuard guard(L);
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  return exit_codes(L, index, "");
}

double read_job_timeout(lua_State* L, int index) {
  const auto seconds = seconds_at(L, index);
  if (!seconds || *seconds <= 0) fail("must be a positive duration such as 30, '30s' or '2m', got " + shown(L, index));
  return *seconds;
}

RetryPolicy read_retries(lua_State* L, int index) {
  StackGuard guard(L);
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  RetryPolicy policy;
  if (lua_type(L, index) == LUA_TNUMBER) {
    policy.limit = read_limit(L, index, "");
    return policy;
  }
  if (lua_type(L, index) != LUA_TTABLE)
    fail("must be a number of reruns or { limit = 3, delay = 1, backoff = 2, max_delay = 30, on_exit = { ... } }, got " +
         shown(L, index));
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    const std::string key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "<" + shown(L, -1) + ">";
    if (std::find(kRetryKeys.begin(), kRetryKeys.end(), key) != kRetryKeys.end()) continue;
    const std::string guess = did_you_mean(key, kRetryKeys);
    fail("has unknown key '" + key + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
  }
  auto with_key = [&](const char* key, auto read) {
    lua_getfield(L, index, key);
    if (!lua_isnil(L, -1)) read(lua_gettop(L));
    lua_pop(L, 1);
  };
  auto duration = [&](const char* key, double& out) {
    with_key(key, [&](int at) {
      const auto seconds = seconds_at(L, at);
      if (!seconds) fail("key '" + std::string(key) + "' must be a duration such as 1, 0.5 or '500ms', got " + shown(L, at));
      out = *seconds;
    });
  };
  with_key("limit", [&](int at) { policy.limit = read_limit(L, at, "key 'limit'"); });
  duration("delay", policy.delay);
  duration("max_delay", policy.max_delay);
  with_key("backoff", [&](int at) {
    if (lua_type(L, at) != LUA_TNUMBER || !std::isfinite(lua_tonumber(L, at)) || lua_tonumber(L, at) < 1)
      fail("key 'backoff' must be a number of at least 1 (each wait this many times the last), got " + shown(L, at));
    policy.backoff = lua_tonumber(L, at);
  });
  with_key("on_exit", [&](int at) { policy.on_exit = exit_codes(L, at, "key 'on_exit'"); });
  if (policy.max_delay < policy.delay)
    fail("key 'max_delay' (" + lua_number_text(policy.max_delay) + " s) must not be shorter than 'delay' (" +
         lua_number_text(policy.delay) + " s)");
  return policy;
}

std::string read_schedule(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING)
    fail("must be a cron expression such as \"*/10 * * * *\" or \"@daily\", got " + shown(L, index));
  const std::string text = lua_tostring(L, index);
  parse_cron(text);  // its DefinitionError says what is wrong
  return text;
}

double read_every(lua_State* L, int index) {
  const auto seconds = seconds_at(L, index);
  if (!seconds || *seconds <= 0)
    fail("must be a duration such as \"10m\", \"2s\" or \"500ms\", got " + shown(L, index));
  if (*seconds < kMinEvery) fail("must be at least 100ms, got " + shown(L, index));
  return *seconds;
}

Overlap read_overlap(lua_State* L, int index) {
  const auto overlap = lua_type(L, index) == LUA_TSTRING ? parse_overlap(lua_tostring(L, index)) : std::nullopt;
  if (!overlap) fail("must be \"skip\", \"queue\" or \"replace\", got " + shown(L, index));
  return *overlap;
}

bool read_catch_up(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TBOOLEAN) fail("must be true or false, got " + shown(L, index));
  return lua_toboolean(L, index) != 0;
}

}  // namespace boss
