#include "script/lua_state.h"

#include <lua.hpp>

#include "core/errors.h"

namespace boss {

LuaState::LuaState() {
  m_L = luaL_newstate();
  if (!m_L) throw FatalError("cannot create a Lua state (out of memory)");
  luaL_openlibs(m_L);
  // Interpreter only: LuaJIT runs no count hooks inside compiled traces, and the count
  // hook is what stops a runaway hook (LuaHooks::abandon_check). Hooks are small; the
  // interpreter is fast enough for them.
  luaJIT_setmode(m_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
}

LuaState::~LuaState() {
  if (m_L) lua_close(m_L);
}

void LuaState::set_internal_from_top(lua_State* L) {
  if (m_internal_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, m_internal_ref);
  m_internal_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void LuaState::push_internal(lua_State* L, const char* name) const {
  lua_rawgeti(L, LUA_REGISTRYINDEX, m_internal_ref);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
}

const void* LuaState::yield_mark() {
  static const char mark = 0;
  return &mark;
}

}  // namespace boss
