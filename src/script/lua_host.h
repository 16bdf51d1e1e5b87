// The one owner of the Lua state: loads the embedded Lua half of the API (lua/boss.lua),
// runs services.lua and reads what it defined into a boss::Project. Together with
// LuaHooks it is the whole Lua boundary: nothing outside script/ touches Lua.
//
// Threading: the Lua state belongs to the thread that runs the EventLoop. Construct the
// host, call load() and destroy it on that thread (load() runs before the loop does).
// Other threads reach Lua only through hooks(), whose calls are posted to the loop.
// The loop, context store, event sink and engine must outlive the host.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/project.h"
#include "script/lua_state.h"

struct lua_State;

namespace boss {

class SecretRedactor;

class ContextStore;
class Engine;
class EventLoop;
class Hooks;
class LuaHooks;
class EventSink;

class LuaHost {
 public:
  // Throws FatalError if the state or the embedded module cannot be set up.
  LuaHost(EventLoop& loop, ContextStore& context, EventSink& events);
  ~LuaHost();
  LuaHost(const LuaHost&) = delete;
  LuaHost& operator=(const LuaHost&) = delete;

  // Runs `file` (chunk name "@<file as given>", its folder first in package.path) and
  // returns the services it registered, type-checked. The name is `project_override`
  // if non-empty, else the one given to boss.project, else slugify(folder name).
  // Throws DefinitionError (one line; the Lua traceback goes out as a TraceEvent).
  // Call once per host.
  Project load(const std::filesystem::path& file, const std::string& project_override = "");

  // Values from .env files (core/env_file.h) that boss.env() gives for names the
  // environment does not set. Call before load().
  void set_env_files(std::map<std::string, std::string> values) { m_env_files = std::move(values); }
  // The engine behind self:exec and self:host_port; set before hooks run.
  void set_engine(Engine* engine) { m_lua.set_engine(engine); }
  // Where the texts of boss.secret values go as they are made (core/secrets.h); null:
  // nowhere. Must outlive the host.
  void set_redactor(SecretRedactor* redactor);
  // The hooks of the loaded project; valid for the host's lifetime.
  Hooks& hooks();

 private:
  static int open_module(lua_State* L);
  static int error_handler(lua_State* L);
  void register_primitives(lua_State* L);

  EventLoop& m_loop;
  ContextStore& m_context;
  EventSink& m_events;
  LuaState m_lua;
  lua_State* m_L;  // m_lua.get()
  std::string m_last_traceback;
  std::map<std::string, std::string> m_env_files;
  std::unique_ptr<LuaHooks> m_hooks;

  friend struct LuaPrimitives;
};

}  // namespace boss
