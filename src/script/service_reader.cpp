#include "script/service_reader.h"

#include <lua.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "core/byte_size.h"
#include "core/command_words.h"
#include "core/errors.h"
#include "core/host_binding.h"
#include "core/template.h"
#include "core/validate.h"
#include "script/healthcheck_field.h"
#include "script/watch_field.h"
#include "script/job_fields.h"
#include "script/secret_value.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kDataFields = {
    "name",       "image", "dependencies", "env",         "ports",
    "volumes",    "cmd",   "entrypoint",   "user",        "always_start_new",
    "stop_signal", "build_from_directory", "dockerfile", "ping_interval", "stop_timeout", "healthcheck",
    "instances", "restart", "profiles", "registry_auth", "labels", "working_dir", "init", "build_args",
    "secret_env", "http", "engine", "kind", "success_exit_codes", "timeout", "retries", "on_demand", "log_dir",
    "sidecars", "schedule", "every", "overlap", "catch_up", "watch", "mem_limit", "idle_timeout", "input"};
// What only a job (kind = "job") has.
const std::vector<std::string> kJobFields = {"success_exit_codes", "timeout", "retries", "log_dir", "sidecars",
                                             "schedule", "every", "overlap", "catch_up"};
// More would only be a typo: each one is a container of its own.
constexpr int kMaxInstances = 1000;

std::vector<std::string> hook_fields() {
  std::vector<std::string> out;
  for (Hook hook : kHooks) out.push_back(hook_name(hook));
  return out;
}
const std::vector<std::string> kHookFields = hook_fields();

std::string type_of(lua_State* L, int index) {
  if (to_secret(L, index)) return "boss.secret value";
  return lua_typename(L, lua_type(L, index));
}

std::string string_at(lua_State* L, int index) {
  size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return std::string(s, len);
}

// The key at `index` as text for a message, without converting it in place.
std::string key_text(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING) return string_at(L, index);
  if (lua_type(L, index) == LUA_TNUMBER) return lua_number_text(lua_tonumber(L, index));
  return "<" + type_of(L, index) + ">";
}

bool is_integer(double v) { return std::isfinite(v) && std::floor(v) == v; }

std::string strip_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

class Reader {
 public:
  Reader(lua_State* L, int record, const fs::path& dir) : m_L(L), m_dir(dir) {
    lua_getfield(L, record, "fields");
    m_fields = lua_gettop(L);
    lua_getfield(L, record, "origins");
    m_origins = lua_gettop(L);
    lua_getfield(L, record, "defined_at");
    m_defined_at = lua_type(L, -1) == LUA_TSTRING ? string_at(L, -1) : "?";
    lua_pop(L, 1);
  }

  ServiceSpec read() {
    m_spec.defined_at = m_defined_at;
    read_name();
    std::vector<std::string> keys = collect_keys();
    for (const auto& field : kDataFields) {
      if (field == "name" || !has(field)) continue;
      read_field(field);
    }
    for (const auto& field : kJobFields)
      if (!m_spec.is_job && has(field))
        fail(field, "is only for jobs (kind = \"job\", or a class of boss.Job)");
    if (has("input") && !m_spec.is_template) fail("input", "is only for templates (kind = \"template\")");
    for (Hook hook : kHooks) {
      const std::string field = hook_name(hook);
      if (!has(field)) continue;
      push_field(field);
      if (lua_type(m_L, -1) != LUA_TFUNCTION) fail(field, "must be a function, got " + type_of(m_L, -1));
      lua_pop(m_L, 1);
      if (is_job_hook(hook) && !m_spec.is_job) fail(field, "is only for jobs (kind = \"job\", or a class of boss.Job)");
      m_spec.set_has_hook(hook);
    }
    std::vector<std::string> known = kDataFields;
    known.insert(known.end(), kHookFields.begin(), kHookFields.end());
    for (const auto& key : keys) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string message = "unknown field '" + key + "'";
      std::string guess = did_you_mean(key, known);
      if (!guess.empty()) message += " (did you mean '" + guess + "'?)";
      throw DefinitionError(prefix(key) + message);
    }
    check_methods();
    return m_spec;
  }

 private:
  // A user method named like a hook ("pign", "Ping", "poststart") would silently never
  // run: it is an error, reported where the function was written. Names starting with
  // '_' are the way to keep such a helper.
  void check_methods() {
    for (const auto& [method, at] : m_methods) {
      const std::string hook = did_you_mean(method, kHookFields);
      if (hook.empty()) continue;
      throw DefinitionError(at + ": service '" + m_spec.name + "': '" + method + "' looks like hook '" + hook +
                            "' (did you mean '" + hook + "'?); name helper methods with a leading '_' to keep them");
    }
  }

  // "file:line" where the function on top of the stack was defined (its origin field's
  // when it is not a Lua function). Leaves the stack as it is.
  std::string function_origin(const std::string& field) {
    lua_Debug info;
    lua_pushvalue(m_L, -1);
    if (lua_getinfo(m_L, ">S", &info) == 0 || info.linedefined <= 0) return origin(field);
    return std::string(info.short_src) + ":" + std::to_string(info.linedefined);
  }

  // Field names that are neither private ("_x") nor user methods, sorted. User methods
  // (functions under names that are no field or hook) go to m_methods.
  std::vector<std::string> collect_keys() {
    std::vector<std::string> keys;
    lua_pushnil(m_L);
    while (lua_next(m_L, m_fields) != 0) {
      if (lua_type(m_L, -2) != LUA_TSTRING) {
        fail_plain("unknown field " + key_text(m_L, -2) + " (field names are strings)");
      }
      std::string key = string_at(m_L, -2);
      const bool is_function = lua_type(m_L, -1) == LUA_TFUNCTION;
      const bool is_field = std::find(kDataFields.begin(), kDataFields.end(), key) != kDataFields.end();
      const bool is_hook = std::find(kHookFields.begin(), kHookFields.end(), key) != kHookFields.end();
      if (is_function && !is_field && !is_hook && !key.empty() && key[0] != '_')
        m_methods.emplace(key, function_origin(key));
      lua_pop(m_L, 1);
      if (!key.empty() && key[0] == '_') continue;
      if (is_function && !is_field) continue;  // a user method, or a hook (checked by name)
      keys.push_back(std::move(key));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  bool has(const std::string& field) {
    lua_getfield(m_L, m_fields, field.c_str());
    const bool present = !lua_isnil(m_L, -1);
    lua_pop(m_L, 1);
    return present;
  }

  void push_field(const std::string& field) { lua_getfield(m_L, m_fields, field.c_str()); }

  std::string origin(const std::string& field) {
    lua_getfield(m_L, m_origins, field.c_str());
    std::string at = lua_type(m_L, -1) == LUA_TSTRING ? string_at(m_L, -1) : m_defined_at;
    lua_pop(m_L, 1);
    return at;
  }

  std::string prefix(const std::string& field) {
    std::string at = field.empty() ? m_defined_at : origin(field);
    std::string out = at + ": ";
    if (!m_spec.name.empty()) out += "service '" + m_spec.name + "': ";
    return out;
  }

  [[noreturn]] void fail(const std::string& field, const std::string& text) {
    throw DefinitionError(prefix(field) + "field '" + field + "' " + text);
  }
  [[noreturn]] void fail_plain(const std::string& text) { throw DefinitionError(prefix("") + text); }

  void read_name() {
    push_field("name");
    if (lua_type(m_L, -1) != LUA_TSTRING) fail("name", "must be a string, got " + type_of(m_L, -1));
    m_spec.name = string_at(m_L, -1);
    lua_pop(m_L, 1);
  }

  std::string expect_string(const std::string& field) {
    push_field(field);
    if (lua_type(m_L, -1) != LUA_TSTRING) fail(field, "must be a string, got " + type_of(m_L, -1));
    std::string value = string_at(m_L, -1);
    lua_pop(m_L, 1);
    return value;
  }

  bool expect_boolean(const std::string& field) {
    push_field(field);
    if (lua_type(m_L, -1) != LUA_TBOOLEAN) fail(field, "must be a boolean, got " + type_of(m_L, -1));
    const bool value = lua_toboolean(m_L, -1);
    lua_pop(m_L, 1);
    return value;
  }

  void expect_table(const std::string& field) {
    push_field(field);
    if (lua_type(m_L, -1) != LUA_TTABLE) fail(field, "must be a table, got " + type_of(m_L, -1));
  }

  void read_field(const std::string& field) {
    if (field == "image") {
      m_spec.image = expect_string(field);
    } else if (field == "user") {
      m_spec.user = expect_string(field);
    } else if (field == "working_dir") {
      m_spec.working_dir = expect_string(field);
    } else if (field == "engine") {
      m_spec.engine = expect_string(field);
      if (m_spec.engine.empty()) fail(field, "must name an engine (boss.engine \"NAME\" { ... }), got \"\"");
    } else if (field == "init") {
      m_spec.init = expect_boolean(field);
    } else if (field == "labels") {
      m_spec.labels = read_string_map(field);
    } else if (field == "build_args") {
      m_spec.build_args = read_string_map(field);
    } else if (field == "stop_signal") {
      m_spec.stop_signal = expect_string(field);
    } else if (field == "restart") {
      m_spec.restart = expect_string(field);
    } else if (field == "dockerfile") {
      m_spec.dockerfile = expect_string(field);
    } else if (field == "log_dir") {
      const std::string dir = expect_string(field);
      if (dir.empty()) fail(field, "must not be empty (leave it out for logs/ beside services.lua)");
      m_spec.log_dir = strip_trailing_slash(resolve_path(dir).string());
    } else if (field == "sidecars") {
      read_sidecars();
    } else if (field == "build_from_directory") {
      std::string dir = expect_string(field);
      m_spec.build_from_directory = strip_trailing_slash(resolve_path(dir).string());
    } else if (field == "always_start_new") {
      m_spec.always_start_new = expect_boolean(field);
    } else if (field == "input") {
      push_field(field);
      const std::string input = lua_type(m_L, -1) == LUA_TSTRING ? string_at(m_L, -1) : "";
      if (input == "file") m_spec.input = LaunchInput::file;
      else if (input == "env") m_spec.input = LaunchInput::env;
      else if (input == "url") m_spec.input = LaunchInput::url;
      else fail(field, "must be \"file\", \"env\" or \"url\", got " + shown_at(m_L, -1));
      lua_pop(m_L, 1);
    } else if (field == "on_demand") {
      m_spec.on_demand = expect_boolean(field);
    } else if (field == "mem_limit") {
      push_field(field);
      std::optional<std::int64_t> bytes;
      if (lua_type(m_L, -1) == LUA_TSTRING) bytes = parse_byte_size(lua_tostring(m_L, -1));
      else if (lua_type(m_L, -1) == LUA_TNUMBER) bytes = parse_byte_size(lua_number_text(lua_tonumber(m_L, -1)));
      if (!bytes) fail(field, "must be a size such as \"512m\" or \"2g\" (or a number of bytes), got " + shown_at(m_L, -1));
      lua_pop(m_L, 1);
      m_spec.mem_limit = bytes;
    } else if (field == "idle_timeout") {
      push_field(field);
      const auto seconds = seconds_at(m_L, -1);
      if (!seconds || !(*seconds > 0))
        fail(field, "must be a positive duration such as \"5m\", \"30s\" or 90, got " + shown_at(m_L, -1));
      lua_pop(m_L, 1);
      m_spec.idle_timeout = seconds;
    } else if (field == "ping_interval") {
      push_field(field);
      if (lua_type(m_L, -1) != LUA_TNUMBER) fail(field, "must be a number, got " + type_of(m_L, -1));
      m_spec.ping_interval = lua_tonumber(m_L, -1);
      lua_pop(m_L, 1);
      if (!(m_spec.ping_interval > 0)) fail(field, "must be a positive number of seconds");
    } else if (field == "stop_timeout" || field == "healthcheck") {
      push_field(field);
      try {
        if (field == "stop_timeout") m_spec.stop_timeout = read_stop_timeout(m_L, -1);
        else m_spec.healthcheck = read_healthcheck(m_L, -1);
      } catch (const DefinitionError& e) {
        fail(field, e.what());
      }
      lua_pop(m_L, 1);
    } else if (field == "kind" || field == "success_exit_codes" || field == "timeout" || field == "retries" ||
               field == "schedule" || field == "every" || field == "overlap" || field == "catch_up") {
      push_field(field);
      try {
        if (field == "kind" && lua_type(m_L, -1) == LUA_TSTRING && std::string(lua_tostring(m_L, -1)) == "template")
          m_spec.is_template = true;
        else if (field == "kind") m_spec.is_job = read_kind(m_L, -1);
        else if (field == "success_exit_codes") m_spec.job.success_exit_codes = read_exit_codes(m_L, -1);
        else if (field == "timeout") m_spec.job.timeout = read_job_timeout(m_L, -1);
        else if (field == "retries") m_spec.job.retries = read_retries(m_L, -1);
        else if (field == "schedule") m_spec.job.schedule.cron = read_schedule(m_L, -1);
        else if (field == "every") m_spec.job.schedule.every = read_every(m_L, -1);
        else if (field == "overlap") m_spec.job.schedule.overlap = read_overlap(m_L, -1);
        else m_spec.job.schedule.catch_up = read_catch_up(m_L, -1);
      } catch (const DefinitionError& e) {
        fail(field, e.what());
      }
      lua_pop(m_L, 1);
    } else if (field == "instances") {
      push_field(field);
      const bool number = lua_type(m_L, -1) == LUA_TNUMBER;
      const double n = number ? lua_tonumber(m_L, -1) : 0;
      if (!number || !is_integer(n) || n < 1 || n > kMaxInstances)
        fail(field, "must be an integer from 1 to " + std::to_string(kMaxInstances) + ", got " +
                        (number ? lua_number_text(n) : type_of(m_L, -1)));
      lua_pop(m_L, 1);
      m_spec.instances = static_cast<int>(n);
    } else if (field == "dependencies") {
      read_dependencies();
    } else if (field == "profiles") {
      read_profiles();
    } else if (field == "env") {
      read_env();
    } else if (field == "ports") {
      read_ports();
    } else if (field == "volumes") {
      read_volumes();
    } else if (field == "cmd" || field == "entrypoint") {
      read_command(field);
    } else if (field == "registry_auth") {
      read_registry_auth();
    } else if (field == "secret_env") {
      read_secret_env();
    } else if (field == "http") {
      read_http();
    } else if (field == "watch") {
      push_field(field);
      try {
        m_spec.watch = read_watch_rules(m_L, -1, m_dir);
      } catch (const DefinitionError& e) {
        fail(field, e.what());
      }
      lua_pop(m_L, 1);
    }
  }

  // { "DB_PASSWORD" }: keys of env whose values are secret. Read after env (kDataFields'
  // order), so a name env does not set is caught as the typo it is.
  void read_secret_env() {
    for (const auto& key : read_string_array("secret_env")) {
      if (!m_spec.env.count(key)) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : m_spec.env) keys.push_back(k);
        const std::string guess = did_you_mean(key, keys);
        fail("secret_env", "names '" + key + "', which env does not set" +
                               (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
      }
      m_spec.secret_env.insert(key);
    }
  }

  // Every key of the table at `t` is one of `keys` (string keys only); else "has an unknown
  // key 'x' (did you mean ...?); it takes <takes>".
  void check_keys(const std::string& field, int t, const std::vector<std::string>& keys, const std::string& takes) {
    lua_pushnil(m_L);
    while (lua_next(m_L, t) != 0) {
      lua_pop(m_L, 1);
      const std::string key = key_text(m_L, -1);
      if (lua_type(m_L, -1) != LUA_TSTRING || std::find(keys.begin(), keys.end(), key) == keys.end()) {
        const std::string guess = did_you_mean(key, keys);
        fail(field, "has an unknown key '" + key + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)") +
                        "; it takes " + takes);
      }
    }
  }

  // { port = 8080 }: the container port `boss proxy` forwards to.
  void read_http() {
    static const std::vector<std::string> kKeys = {"port"};
    const std::string field = "http";
    push_field(field);
    if (lua_type(m_L, -1) != LUA_TTABLE) fail(field, "must be a table { port = 8080 }, got " + type_of(m_L, -1));
    const int t = lua_gettop(m_L);
    check_keys(field, t, kKeys, "port");
    lua_getfield(m_L, t, "port");
    const bool number = lua_type(m_L, -1) == LUA_TNUMBER;
    const double port = number ? lua_tonumber(m_L, -1) : 0;
    if (!number || !is_integer(port) || port < 1 || port > 65535)
      fail(field, "port must be a container port from 1 to 65535, got " +
                      (number ? lua_number_text(port) : type_of(m_L, -1)));
    lua_pop(m_L, 2);
    m_spec.http = HttpEndpoint{static_cast<int>(port)};
  }

  // The value on top must be a sequence of strings; pops it.
  std::vector<std::string> read_string_array(const std::string& field) {
    expect_table(field);
    const int t = lua_gettop(m_L);
    const int n = static_cast<int>(lua_objlen(m_L, t));
    std::vector<std::string> out;
    check_sequence(field, t, n, "an array of strings");
    for (int i = 1; i <= n; ++i) {
      lua_rawgeti(m_L, t, i);
      if (to_secret(m_L, -1))
        fail(field, "item " + std::to_string(i) +
                        " is a boss.secret value: only env values and registry_auth may hold secrets");
      if (lua_type(m_L, -1) != LUA_TSTRING)
        fail(field, "item " + std::to_string(i) + " must be a string, got " + type_of(m_L, -1));
      out.push_back(string_at(m_L, -1));
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
    return out;
  }

  // { "db", { "metrics", optional = true } }: names, or a table whose [1] is the name and
  // whose `optional` says whether profiles may leave it out.
  void read_dependencies() {
    expect_table("dependencies");
    const int t = lua_gettop(m_L);
    const int n = static_cast<int>(lua_objlen(m_L, t));
    check_sequence("dependencies", t, n, "an array of names or { name, optional = true }");
    for (int i = 1; i <= n; ++i) {
      const std::string what = "item " + std::to_string(i);
      lua_rawgeti(m_L, t, i);
      if (lua_type(m_L, -1) == LUA_TSTRING) {
        m_spec.dependencies.push_back(string_at(m_L, -1));
      } else if (lua_type(m_L, -1) == LUA_TTABLE) {
        const int item = lua_gettop(m_L);
        lua_pushnil(m_L);
        while (lua_next(m_L, item) != 0) {
          lua_pop(m_L, 1);
          const bool first = lua_type(m_L, -1) == LUA_TNUMBER && lua_tonumber(m_L, -1) == 1;
          const bool optional = lua_type(m_L, -1) == LUA_TSTRING && string_at(m_L, -1) == "optional";
          if (!first && !optional) {
            const std::string key = key_text(m_L, -1);
            lua_pop(m_L, 1);
            fail("dependencies", what + ": unknown key '" + key + "' (expected { \"name\", optional = true })");
          }
        }
        lua_rawgeti(m_L, item, 1);
        if (lua_type(m_L, -1) != LUA_TSTRING)
          fail("dependencies", what + ": [1] must be the service's name, got " + type_of(m_L, -1));
        const std::string name = string_at(m_L, -1);
        lua_pop(m_L, 1);
        lua_getfield(m_L, item, "optional");
        if (!lua_isnil(m_L, -1) && lua_type(m_L, -1) != LUA_TBOOLEAN)
          fail("dependencies", what + ": 'optional' must be a boolean, got " + type_of(m_L, -1));
        if (lua_toboolean(m_L, -1)) m_spec.optional_dependencies.insert(name);
        lua_pop(m_L, 1);
        m_spec.dependencies.push_back(name);
      } else {
        fail("dependencies", what + " must be a name or { name, optional = true }, got " + type_of(m_L, -1));
      }
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
  }

  // { Redis, "cache" }: service classes, or their names. A class is taken by its name
  // (core/sidecars.h resolves the names against the project's services).
  void read_sidecars() {
    const std::string field = "sidecars";
    expect_table(field);
    const int t = lua_gettop(m_L);
    const int n = static_cast<int>(lua_objlen(m_L, t));
    check_sequence(field, t, n, "an array of service classes or their names");
    for (int i = 1; i <= n; ++i) {
      const std::string what = "item " + std::to_string(i);
      lua_rawgeti(m_L, t, i);
      if (lua_type(m_L, -1) == LUA_TTABLE) {
        lua_getfield(m_L, -1, "name");
        if (lua_type(m_L, -1) != LUA_TSTRING)
          fail(field, what + " is a class without a name: a sidecar is a service class "
                             "(boss.Service:extend { name = ..., image = ... }) or its name");
        lua_replace(m_L, -2);
      }
      if (lua_type(m_L, -1) != LUA_TSTRING)
        fail(field, what + " must be a service class or its name, got " + type_of(m_L, -1));
      m_spec.sidecars.push_back(string_at(m_L, -1));
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
  }

  void read_profiles() {
    m_spec.profiles = read_string_array("profiles");
    for (const auto& profile : m_spec.profiles)
      if (!is_profile_name(profile))
        fail("profiles", "'" + profile + "' is not a profile name (a letter or digit, then letters, digits, '_', '.', '-')");
  }

  // The table at `t` has exactly the keys 1..n.
  void check_sequence(const std::string& field, int t, int n, const std::string& expected) {
    lua_pushnil(m_L);
    int count = 0;
    while (lua_next(m_L, t) != 0) {
      ++count;
      lua_pop(m_L, 1);
      if (lua_type(m_L, -1) != LUA_TNUMBER || !is_integer(lua_tonumber(m_L, -1)) ||
          lua_tonumber(m_L, -1) < 1 || lua_tonumber(m_L, -1) > n)
        fail(field, "must be " + expected + ", got a table with key " + key_text(m_L, -1));
    }
    if (count != n) fail(field, "must be " + expected);
  }

  // { username = "...", password = "..." }, both strings. Messages name keys and types,
  // never a value: the value is a secret.
  void read_registry_auth() {
    static const std::vector<std::string> kKeys = {"username", "password"};
    const std::string field = "registry_auth";
    expect_table(field);
    const int t = lua_gettop(m_L);
    check_keys(field, t, kKeys, "username and password");
    RegistryAuth auth;
    for (const auto& key : kKeys) {
      lua_getfield(m_L, t, key.c_str());
      if (const std::string* secret = to_secret(m_L, -1)) {
        (key == "username" ? auth.username : auth.password) = *secret;
        lua_pop(m_L, 1);
        continue;
      }
      if (lua_type(m_L, -1) != LUA_TSTRING)
        fail(field, "key '" + key + "' must be a string, got " + type_of(m_L, -1) +
                        (lua_isnil(m_L, -1) ? " (is the environment variable it reads set?)" : ""));
      (key == "username" ? auth.username : auth.password) = string_at(m_L, -1);
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
    m_spec.registry_auth = std::move(auth);
  }

  // { KEY = value }: string keys; values strings, numbers or booleans (as text). With
  // `secret_keys`, a value may be a boss.secret: its text is kept as a literal template
  // (data, braces and all) and its key recorded; elsewhere a secret is refused.
  std::map<std::string, std::string> read_string_map(const std::string& field,
                                                     std::set<std::string>* secret_keys = nullptr) {
    expect_table(field);
    const int t = lua_gettop(m_L);
    std::map<std::string, std::string> out;
    lua_pushnil(m_L);
    while (lua_next(m_L, t) != 0) {
      if (lua_type(m_L, -2) != LUA_TSTRING)
        fail(field, "keys must be strings, got " + type_of(m_L, -2) + " " + key_text(m_L, -2));
      const std::string key = string_at(m_L, -2);
      std::string value;
      if (const std::string* secret = to_secret(m_L, -1)) {
        if (secret_keys == nullptr)
          fail(field, "key '" + key + "' is a boss.secret value: only env values and registry_auth may hold secrets");
        out[key] = template_literal(*secret);
        secret_keys->insert(key);
        lua_pop(m_L, 1);
        continue;
      }
      switch (lua_type(m_L, -1)) {
        case LUA_TSTRING: value = string_at(m_L, -1); break;
        case LUA_TNUMBER: value = lua_number_text(lua_tonumber(m_L, -1)); break;
        case LUA_TBOOLEAN: value = lua_toboolean(m_L, -1) ? "true" : "false"; break;
        default:
          fail(field, "key '" + key + "' must be a string, number or boolean, got " + type_of(m_L, -1));
      }
      out[key] = std::move(value);
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
    return out;
  }

  void read_env() {
    m_spec.env = read_string_map("env", &m_spec.secret_env);
    for (const auto& [key, value] : m_spec.env) check_template_of("env", "key '" + key + "'", value);
  }

  void check_template_of(const std::string& field, const std::string& what, const std::string& text) {
    try {
      check_template(text);
    } catch (const DefinitionError& e) {
      fail(field, what + ": " + e.what());
    }
  }

  static bool parse_port_number(const std::string& text, int& out) {
    if (text.empty() || text.size() > 5) return false;
    for (char c : text)
      if (c < '0' || c > '9') return false;
    out = std::stoi(text);
    return true;
  }

  void read_ports() {
    expect_table("ports");
    const int t = lua_gettop(m_L);
    lua_pushnil(m_L);
    while (lua_next(m_L, t) != 0) {
      PortBinding binding;
      const std::string key = key_text(m_L, -2);
      bool ok = false;
      if (lua_type(m_L, -2) == LUA_TNUMBER) {
        const double v = lua_tonumber(m_L, -2);
        ok = is_integer(v) && v >= 1 && v <= 65535;
        if (ok) binding.container_port = static_cast<int>(v);
      } else if (lua_type(m_L, -2) == LUA_TSTRING) {
        std::string number = key;
        const auto slash = key.find('/');
        if (slash != std::string::npos) {
          number = key.substr(0, slash);
          binding.protocol = key.substr(slash + 1);
        }
        ok = (binding.protocol == "tcp" || binding.protocol == "udp") &&
             parse_port_number(number, binding.container_port) && binding.container_port >= 1 &&
             binding.container_port <= 65535;
      }
      if (!ok)
        fail("ports", "key '" + key + "' must be a container port 1..65535, like 80 or '53/udp'");
      read_host_binding(key, binding);
      m_spec.ports.push_back(binding);
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
    std::sort(m_spec.ports.begin(), m_spec.ports.end(), [](const auto& a, const auto& b) {
      return std::tie(a.container_port, a.protocol) < std::tie(b.container_port, b.protocol);
    });
  }

  // The value on top: a host port number, or text with an address (core/host_binding.h).
  void read_host_binding(const std::string& key, PortBinding& binding) {
    if (lua_type(m_L, -1) == LUA_TSTRING) {
      const std::string text = string_at(m_L, -1);
      const auto host = parse_host_binding(text);
      if (!host)
        fail("ports", "key '" + key + "': host port must be " + kHostBindingForms + " (ADDR a numeric IP), got '" +
                          text + "'");
      binding.host_ip = host->ip;
      binding.host_port = host->port;
      return;
    }
    if (lua_type(m_L, -1) != LUA_TNUMBER || !is_integer(lua_tonumber(m_L, -1)) || lua_tonumber(m_L, -1) < 0 ||
        lua_tonumber(m_L, -1) > 65535)
      fail("ports", "key '" + key + "': host port must be " + kHostBindingForms + ", got " +
                        (lua_type(m_L, -1) == LUA_TNUMBER ? key_text(m_L, -1) : type_of(m_L, -1)));
    binding.host_port = static_cast<int>(lua_tonumber(m_L, -1));
  }

  fs::path resolve_path(const std::string& path) { return resolve_user_path(m_dir, path); }

  VolumeMount make_volume(const std::string& what, const std::string& host, const std::string& target,
                          const std::string& mode) {
    if (host.empty()) fail("volumes", what + ": host part is empty");
    if (target.empty() || target[0] != '/')
      fail("volumes", what + ": container path must be absolute, got '" + target + "'");
    VolumeMount mount;
    mount.target = target;
    mount.mode = mode;
    const bool is_path = host[0] == '/' || host[0] == '.' || host[0] == '~' ||
                         host.find('/') != std::string::npos;
    if (is_path) {
      mount.source = strip_trailing_slash(resolve_path(host).string());
    } else {
      mount.source = host;  // LuaHost prefixes it with the project once that is known
      mount.volume = host;
      mount.named = true;
    }
    return mount;
  }

  void read_volumes() {
    expect_table("volumes");
    const int t = lua_gettop(m_L);
    std::vector<std::pair<double, VolumeMount>> listed;        // "host:container[:mode]"
    std::vector<std::pair<std::string, VolumeMount>> mapped;   // [host] = { bind, mode }
    lua_pushnil(m_L);
    while (lua_next(m_L, t) != 0) {
      if (lua_type(m_L, -2) == LUA_TNUMBER) {
        const std::string what = "item " + key_text(m_L, -2);
        if (lua_type(m_L, -1) != LUA_TSTRING)
          fail("volumes", what + " must be a string 'host:container[:mode]', got " + type_of(m_L, -1));
        const std::string text = string_at(m_L, -1);
        const std::vector<std::string> parts = split_at(text, ':');
        if (parts.size() < 2 || parts.size() > 3)
          fail("volumes", what + " must look like 'host:container[:mode]', got '" + text + "'");
        listed.emplace_back(lua_tonumber(m_L, -2),
                            make_volume(what, parts[0], parts[1], parts.size() == 3 ? parts[2] : ""));
      } else if (lua_type(m_L, -2) == LUA_TSTRING) {
        const std::string host = string_at(m_L, -2);
        const std::string what = "key '" + host + "'";
        std::string bind, mode;
        if (lua_type(m_L, -1) == LUA_TSTRING) {
          bind = string_at(m_L, -1);
        } else if (lua_type(m_L, -1) == LUA_TTABLE) {
          lua_getfield(m_L, -1, "bind");
          if (lua_type(m_L, -1) != LUA_TSTRING)
            fail("volumes", what + ": 'bind' must be a string, got " + type_of(m_L, -1));
          bind = string_at(m_L, -1);
          lua_pop(m_L, 1);
          lua_getfield(m_L, -1, "mode");
          if (!lua_isnil(m_L, -1) && lua_type(m_L, -1) != LUA_TSTRING)
            fail("volumes", what + ": 'mode' must be a string, got " + type_of(m_L, -1));
          if (!lua_isnil(m_L, -1)) mode = string_at(m_L, -1);
          lua_pop(m_L, 1);
        } else {
          fail("volumes", what + " must be a table { bind = '/path', mode = 'ro' }, got " +
                              type_of(m_L, -1));
        }
        mapped.emplace_back(host, make_volume(what, host, bind, mode));
      } else {
        fail("volumes", "keys must be numbers or strings, got " + type_of(m_L, -2));
      }
      lua_pop(m_L, 1);
    }
    lua_pop(m_L, 1);
    std::sort(listed.begin(), listed.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::sort(mapped.begin(), mapped.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [_, mount] : listed) m_spec.volumes.push_back(std::move(mount));
    for (auto& [_, mount] : mapped) m_spec.volumes.push_back(std::move(mount));
  }

  void read_command(const std::string& field) {
    push_field(field);
    std::vector<std::string> argv;
    if (lua_type(m_L, -1) == LUA_TSTRING) {
      const std::string text = string_at(m_L, -1);
      lua_pop(m_L, 1);
      try {
        argv = split_command_line(text);
      } catch (const DefinitionError& e) {
        fail(field, e.what());
      }
    } else if (lua_type(m_L, -1) == LUA_TTABLE) {
      lua_pop(m_L, 1);
      argv = read_string_array(field);
    } else {
      fail(field, "must be a string or an array of strings, got " + type_of(m_L, -1));
    }
    for (std::size_t i = 0; i < argv.size(); ++i)
      check_template_of(field, "item " + std::to_string(i + 1), argv[i]);
    (field == "cmd" ? m_spec.cmd : m_spec.entrypoint) = std::move(argv);
  }

  lua_State* m_L;
  fs::path m_dir;
  int m_fields = 0;
  int m_origins = 0;
  std::string m_defined_at;
  ServiceSpec m_spec;
  std::map<std::string, std::string> m_methods;  // user method -> where it was defined
};

}  // namespace

std::string lua_number_text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.14g", value);  // LUAI_NUMFFORMAT of Lua 5.1
  return buffer;
}

std::vector<std::string> service_field_names() {
  std::vector<std::string> names = kDataFields;
  names.insert(names.end(), kHookFields.begin(), kHookFields.end());
  return names;
}

fs::path resolve_user_path(const fs::path& dir, const std::string& path) {
  if (!path.empty() && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
    const char* home = std::getenv("HOME");
    return (fs::path(home ? home : "/") / path.substr(path.size() > 1 ? 2 : 1)).lexically_normal();
  }
  return (dir / path).lexically_normal();  // an absolute `path` replaces dir
}

ServiceSpec read_service(lua_State* L, int index, const std::filesystem::path& dir) {
  StackGuard guard(L);
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  lua_checkstack(L, 20);
  return Reader(L, index, dir).read();
}

}  // namespace boss
