#include "script/watch_field.h"

#include <lua.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"
#include "core/validate.h"
#include "core/watch_changes.h"
#include "script/healthcheck_field.h"
#include "script/service_reader.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kKeys = {"path", "target", "restart", "ignore"};

[[noreturn]] void fail(const std::string& text) { throw DefinitionError(text); }

bool is_sequence_key(lua_State* L, int index, int n) {
  if (lua_type(L, index) != LUA_TNUMBER) return false;
  const double k = lua_tonumber(L, index);
  return std::floor(k) == k && k >= 1 && k <= n;
}

std::string read_string(lua_State* L, int rule, const char* key, const std::string& what) {
  lua_getfield(L, rule, key);
  if (lua_type(L, -1) != LUA_TSTRING)
    fail(what + ": '" + key + "' must be a string, got " + shown_at(L, -1));
  std::string value = lua_tostring(L, -1);
  lua_pop(L, 1);
  return value;
}

std::vector<std::string> read_ignore(lua_State* L, int rule, const std::string& what) {
  std::vector<std::string> out;
  lua_getfield(L, rule, "ignore");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return out;
  }
  if (lua_type(L, -1) != LUA_TTABLE) fail(what + ": 'ignore' must be an array of patterns, got " + shown_at(L, -1));
  const int t = lua_gettop(L);
  const int n = static_cast<int>(lua_objlen(L, t));
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, t, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      fail(what + ": 'ignore' item " + std::to_string(i) + " must be a string, got " + shown_at(L, -1));
    out.push_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return out;
}

SyncRule read_rule(lua_State* L, int rule, int number, const fs::path& dir) {
  const std::string what = "rule " + std::to_string(number);
  if (lua_type(L, rule) != LUA_TTABLE)
    fail(what + " must be a table { path = \"src\", target = \"/app/src\" }, got " + shown_at(L, rule));
  lua_pushnil(L);
  while (lua_next(L, rule) != 0) {
    lua_pop(L, 1);
    const bool named = lua_type(L, -1) == LUA_TSTRING;
    const std::string key = named ? lua_tostring(L, -1) : shown_at(L, -1);
    if (!named || std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      const std::string guess = named ? did_you_mean(key, kKeys) : "";
      lua_pop(L, 1);
      fail(what + ": unknown key '" + key + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)") +
           "; a rule takes path, target, restart and ignore");
    }
  }
  SyncRule out;
  const std::string path = read_string(L, rule, "path", what);
  if (path.empty()) fail(what + ": 'path' must not be empty (\".\" is the project's folder)");
  const fs::path resolved = resolve_user_path(dir, path);
  if (!path_within(dir.lexically_normal(), resolved))
    fail(what + ": path '" + path + "' is outside the project's folder " + dir.string());
  out.path = resolved.string();
  while (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
  out.target = read_string(L, rule, "target", what);
  if (out.target.empty() || out.target[0] != '/')
    fail(what + ": target must be an absolute path in the container, got '" + out.target + "'");
  while (out.target.size() > 1 && out.target.back() == '/') out.target.pop_back();
  lua_getfield(L, rule, "restart");
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN)
    fail(what + ": 'restart' must be a boolean, got " + shown_at(L, -1));
  out.restart = lua_toboolean(L, -1);
  lua_pop(L, 1);
  out.ignore = read_ignore(L, rule, what);
  return out;
}

}  // namespace

std::vector<SyncRule> read_watch_rules(lua_State* L, int index, const fs::path& dir) {
  StackGuard guard(L);
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  if (lua_type(L, index) != LUA_TTABLE)
    fail("must be an array of rules { path = \"src\", target = \"/app/src\" }, got " + shown_at(L, index));
  const int n = static_cast<int>(lua_objlen(L, index));
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    if (!is_sequence_key(L, -1, n)) {
      const std::string key = shown_at(L, -1);
      lua_pop(L, 1);
      fail("must be an array of rules { path = \"src\", target = \"/app/src\" }, got a table with key " + key);
    }
  }
  std::vector<SyncRule> rules;
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    rules.push_back(read_rule(L, lua_gettop(L), i, dir));
    lua_pop(L, 1);
  }
  return rules;
}

}  // namespace boss
