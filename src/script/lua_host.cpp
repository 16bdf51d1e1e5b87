#include "script/lua_host.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <lua.hpp>

#include "script/lua_error_text.h"

#include "boss_lua.h"
#include "core/context_store.h"
#include "core/errors.h"
#include "core/events.h"
#include "core/sidecars.h"
#include "core/validate.h"
#include "script/helper_request.h"
#include "script/lua_hooks.h"
#include "script/secret_value.h"
#include "script/engine_reader.h"
#include "script/service_reader.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

std::string read_services_file(const std::filesystem::path& file) {
  const auto fail = [&](int err) {
    return DefinitionError("cannot read services file '" + file.string() + "': " + std::strerror(err));
  };
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw fail(err);
    } else {
      break;
    }
  }
  ::close(fd);
  // Like luaL_loadfile: a first line starting with '#' (a shebang) is skipped; its
  // newline stays so that line numbers do not move.
  if (!text.empty() && text[0] == '#') text.erase(0, std::min(text.find('\n'), text.size()));
  return text;
}

LuaHost* host_of(lua_State* L) { return static_cast<LuaHost*>(lua_touserdata(L, lua_upvalueindex(1))); }

}  // namespace

// The C half of lua/boss.lua's `C` table. Each gets the host as upvalue 1. None of them
// lets a C++ exception cross into Lua.
struct LuaPrimitives {
  static int can_yield(lua_State* L) {
    lua_pushboolean(L, host_of(L)->m_hooks->running_thread() == L);
    return 1;
  }

  static int call(lua_State* L) {
    LuaHost* host = host_of(L);
    ParsedHelper parsed = read_helper_request(L, 1, host->m_lua.engine());
    HelperResults results;
    if (!parsed.error.empty())
      results.error = parsed.error;
    else
      results = run_helper_now(parsed.request);
    return push_helper_results(L, results);
  }

  static int container(lua_State* L) {
    LuaHost* host = host_of(L);
    const char* service = lua_tostring(L, 1);
    auto id = host->m_hooks->container_of(service ? service : "");
    if (!id) return 0;
    lua_pushlstring(L, id->data(), id->size());
    return 1;
  }

  static int context_get(lua_State* L) {
    LuaHost* host = host_of(L);
    const char* key = lua_tostring(L, 1);
    auto value = key ? host->m_context.get(key) : std::nullopt;
    if (!value) return 0;
    if (host->m_context.is_secret(key))
      push_secret(L, context_value_text(*value));
    else if (const auto* s = std::get_if<std::string>(&*value))
      lua_pushlstring(L, s->data(), s->size());
    else if (const auto* d = std::get_if<double>(&*value))
      lua_pushnumber(L, *d);
    else
      lua_pushboolean(L, std::get<bool>(*value));
    return 1;
  }

  static int context_set(lua_State* L) {
    LuaHost* host = host_of(L);
    if (lua_type(L, 1) != LUA_TSTRING) return luaL_error(L, "boss.context: keys must be strings");
    const std::string key = lua_tostring(L, 1);
    const int type = lua_type(L, 2);
    const std::string* secret = to_secret(L, 2);
    if (type != LUA_TNIL && type != LUA_TSTRING && type != LUA_TNUMBER && type != LUA_TBOOLEAN && !secret)
      return luaL_error(L, "boss.context.%s: value must be a string, number or boolean, got %s",
                        key.c_str(), luaL_typename(L, 2));
    std::string failure;
    // Remembered with the value, so a key missing later can be traced to its service.
    const std::string producer = host->m_hooks->running_service();
    try {
      if (secret)
        host->m_context.set(key, *secret, producer, true);
      else if (type == LUA_TNIL)
        host->m_context.erase(key);
      else if (type == LUA_TSTRING)
        host->m_context.set(key, std::string(lua_tostring(L, 2)), producer);
      else if (type == LUA_TNUMBER)
        host->m_context.set(key, double(lua_tonumber(L, 2)), producer);
      else
        host->m_context.set(key, bool(lua_toboolean(L, 2)), producer);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) return luaL_error(L, "boss.context.%s: %s", key.c_str(), failure.c_str());
    return 0;
  }

  static int env(lua_State* L) {
    LuaHost* host = host_of(L);
    size_t len = 0;
    const char* name = lua_tolstring(L, 1, &len);
    lua_pushnil(L);  // the result when neither has it: one value, so tostring(boss.env(x)) works
    if (!name) return 1;
    const std::string key(name, len);
    if (const char* value = std::getenv(key.c_str()); value && key.find('\0') == std::string::npos) {
      lua_pushstring(L, value);
      return 1;
    }
    const auto it = host->m_env_files.find(key);
    if (it == host->m_env_files.end()) return 1;
    lua_pushlstring(L, it->second.data(), it->second.size());
    return 1;
  }

  // C.secret(v): a secret of a string, number or boolean's text (a secret stays itself).
  static int secret(lua_State* L) {
    if (to_secret(L, 1)) {
      lua_settop(L, 1);
      return 1;
    }
    const int type = lua_type(L, 1);
    if (type == LUA_TBOOLEAN) {
      push_secret(L, lua_toboolean(L, 1) ? "true" : "false");
    } else if (type == LUA_TSTRING || type == LUA_TNUMBER) {
      size_t len = 0;
      const char* text = lua_tolstring(L, 1, &len);
      push_secret(L, std::string(text, len));
    } else {
      return luaL_error(L, "boss.secret: value must be a string, number or boolean, got %s%s", luaL_typename(L, 1),
                        type == LUA_TNIL ? " (is the environment variable it reads set?)" : "");
    }
    return 1;
  }

  // C.reveal(v): a secret's text; other values as they are.
  static int reveal(lua_State* L) {
    if (const std::string* text = to_secret(L, 1)) {
      lua_pushlstring(L, text->data(), text->size());
      return 1;
    }
    lua_settop(L, 1);
    return 1;
  }

  static int is_secret(lua_State* L) {
    lua_pushboolean(L, to_secret(L, 1) != nullptr);
    return 1;
  }

  static int log(lua_State* L) {
    LuaHost* host = host_of(L);
    size_t len = 0;
    const char* text = lua_tolstring(L, 1, &len);
    host->m_events.emit_now(HookOutputEvent{host->m_hooks->running_service(), std::string(text ? text : "", len),
                                            host->m_hooks->running_instance()});
    return 0;
  }
};

LuaHost::LuaHost(EventLoop& loop, ContextStore& context, EventSink& events)
    : m_loop(loop), m_context(context), m_events(events), m_L(m_lua.get()) {
  m_hooks = std::make_unique<LuaHooks>(m_lua, m_loop);
  StackGuard guard(m_L);
  register_secret_type(m_L, nullptr);
  // package.preload.boss = open_module, then require it once so that its host-only half
  // exists even if services.lua never requires it.
  lua_getglobal(m_L, "package");
  lua_getfield(m_L, -1, "preload");
  lua_pushlightuserdata(m_L, this);
  lua_pushcclosure(m_L, &LuaHost::open_module, 1);
  lua_setfield(m_L, -2, "boss");
  lua_settop(m_L, 0);
  lua_getglobal(m_L, "require");
  lua_pushstring(m_L, "boss");
  if (lua_pcall(m_L, 1, 0, 0) != 0) {
    const std::string message = lua_error_text(m_L, -1);
    throw FatalError("cannot load the embedded boss module: " + message);
  }
}

LuaHost::~LuaHost() {
  m_hooks.reset();  // joins helper threads before the state goes away
}

Hooks& LuaHost::hooks() { return *m_hooks; }

void LuaHost::set_redactor(SecretRedactor* redactor) { set_secret_redactor(m_L, redactor); }

void LuaHost::register_primitives(lua_State* L) {
  static const luaL_Reg functions[] = {
      {"can_yield", &LuaPrimitives::can_yield},     {"call", &LuaPrimitives::call},
      {"container", &LuaPrimitives::container},     {"context_get", &LuaPrimitives::context_get},
      {"context_set", &LuaPrimitives::context_set}, {"log", &LuaPrimitives::log},
      {"env", &LuaPrimitives::env},                 {"secret", &LuaPrimitives::secret},
      {"reveal", &LuaPrimitives::reveal},           {"is_secret", &LuaPrimitives::is_secret},
      {nullptr, nullptr}};
  lua_newtable(L);
  lua_pushlightuserdata(L, this);
  luaL_setfuncs(L, functions, 1);
  lua_pushlightuserdata(L, const_cast<void*>(LuaState::yield_mark()));
  lua_setfield(L, -2, "yield_mark");
}

// package.preload.boss: runs the embedded chunk with the primitives, keeps its second
// result (the host-only table) and returns the first (the module).
int LuaHost::open_module(lua_State* L) {
  LuaHost* host = host_of(L);
  if (luaL_loadbuffer(L, reinterpret_cast<const char*>(luaJIT_BC_boss), luaJIT_BC_boss_SIZE, "=boss") != 0)
    return lua_error(L);
  host->register_primitives(L);
  lua_call(L, 1, 2);
  host->m_lua.set_internal_from_top(L);  // pops internal
  return 1;
}

// Message handler for running services.lua: keeps the traceback aside for -v and leaves
// the message itself untouched ("services.lua:3: boom").
int LuaHost::error_handler(lua_State* L) {
  LuaHost* host = host_of(L);
  const std::string message = lua_error_text(L, 1);
  luaL_traceback(L, L, message.c_str(), 1);
  host->m_last_traceback = lua_tostring(L, -1);
  lua_pop(L, 1);
  return 1;
}

Project LuaHost::load(const std::filesystem::path& file, const std::string& project_override) {
  const std::string source = read_services_file(file);
  Project project;
  project.file = std::filesystem::absolute(file).lexically_normal();
  project.dir = project.file.parent_path();

  StackGuard guard(m_L);
  lua_getglobal(m_L, "package");
  lua_getfield(m_L, -1, "path");
  const char* old_path = lua_tostring(m_L, -1);
  const std::string dir = project.dir.string();
  const std::string path = dir + "/?.lua;" + dir + "/?/init.lua;" + (old_path ? old_path : "");
  lua_pop(m_L, 1);
  lua_pushlstring(m_L, path.data(), path.size());
  lua_setfield(m_L, -2, "path");
  lua_pop(m_L, 1);

  lua_pushlightuserdata(m_L, this);
  lua_pushcclosure(m_L, &LuaHost::error_handler, 1);
  const int handler = lua_gettop(m_L);
  const std::string chunkname = "@" + file.string();
  m_last_traceback.clear();
  // Source only: LuaJIT does not verify bytecode, so a damaged compiled file would crash
  // boss instead of failing with a message (found while writing fuzz/services_lua).
  if (!source.empty() && source[0] == LUA_SIGNATURE[0])
    throw DefinitionError(file.string() + ": compiled Lua bytecode; boss reads services.lua as Lua source only");
  if (luaL_loadbufferx(m_L, source.data(), source.size(), chunkname.c_str(), "t") != 0)
    throw DefinitionError(lua_error_text(m_L, -1));
  if (lua_pcall(m_L, 0, 0, handler) != 0) {
    if (!m_last_traceback.empty()) m_events.emit_now(TraceEvent{m_last_traceback});
    throw DefinitionError(lua_error_text(m_L, -1));
  }

  m_lua.push_internal(m_L, "services");
  if (lua_pcall(m_L, 0, 1, handler) != 0) throw DefinitionError(lua_error_text(m_L, -1));
  const int list = lua_gettop(m_L);
  const int count = static_cast<int>(lua_objlen(m_L, list));
  for (int i = 1; i <= count; ++i) {
    lua_rawgeti(m_L, list, i);
    project.services.push_back(read_service(m_L, -1, project.dir));
    lua_pop(m_L, 1);
  }

  m_lua.push_internal(m_L, "engines");
  lua_call(m_L, 0, 1);  // cannot fail: returns a local
  project.engines = read_engines(m_L, -1, project.dir);
  lua_pop(m_L, 1);

  if (!project_override.empty()) {
    project.name = project_override;
  } else {
    m_lua.push_internal(m_L, "project_name");
    lua_call(m_L, 0, 1);  // cannot fail: returns a local
    if (lua_type(m_L, -1) == LUA_TSTRING)
      project.name = lua_tostring(m_L, -1);
    else
      project.name = slugify(project.dir.filename().string());
    lua_pop(m_L, 1);
  }
  // Templates (kind = "template") are launched, never started: out of the services.
  for (auto it = project.services.begin(); it != project.services.end();)
    if (it->is_template) {
      project.templates.push_back(std::move(*it));
      it = project.services.erase(it);
    } else {
      ++it;
    }
  separate_sidecars(project);
  project.name_volumes();

  LuaHooks::GroupCounts groups;
  for (auto [kind, slot] : {std::pair{"start", &groups.start}, std::pair{"stop", &groups.stop},
                            std::pair{"reload", &groups.reload}, std::pair{"done", &groups.done}}) {
    m_lua.push_internal(m_L, "group_count");
    lua_pushstring(m_L, kind);
    lua_call(m_L, 1, 1);
    *slot = static_cast<int>(lua_tonumber(m_L, -1));
    lua_pop(m_L, 1);
  }
  m_hooks->set_definitions(project, groups);
  return project;
}

}  // namespace boss
