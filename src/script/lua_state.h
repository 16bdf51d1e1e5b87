// The Lua state shared by LuaHost (which loads services.lua) and LuaHooks (which runs
// hooks as coroutines): the raw lua_State, the host-only `internal` table of
// lua/boss.lua, and the engine behind self:exec. It sits below both so that neither has
// to include the other.
//
// Threading: like the state itself, everything but engine() belongs to the loop thread.
#pragma once

#include <atomic>

struct lua_State;

namespace boss {

class Engine;

class LuaState {
 public:
  // Creates the state with the standard libraries, JIT off (see lua_state.cpp).
  // Throws FatalError when out of memory.
  LuaState();
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* get() const { return m_L; }

  // Takes the value on top of L's stack (popped) as the `internal` table; L is the
  // state or one of its threads.
  void set_internal_from_top(lua_State* L);
  // Pushes internal.<name> onto L, which must be the state or one of its threads.
  void push_internal(lua_State* L, const char* name) const;

  // The engine behind self:exec and self:host_port; may be read from any thread.
  void set_engine(Engine* engine) { m_engine.store(engine); }
  Engine* engine() const { return m_engine.load(); }

  // Light userdata that tags a helper request yielded to the hook driver.
  static const void* yield_mark();

 private:
  lua_State* m_L = nullptr;
  int m_internal_ref = -2;  // LUA_NOREF
  std::atomic<Engine*> m_engine{nullptr};
};

}  // namespace boss
