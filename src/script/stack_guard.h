// Restores a Lua stack's top when a scope ends, also when a C++ exception leaves it.
#pragma once

#include <lua.hpp>

namespace boss {

class StackGuard {
 public:
  explicit StackGuard(lua_State* L) : m_L(L), m_top(lua_gettop(L)) {}
  ~StackGuard() { lua_settop(m_L, m_top); }
  StackGuard(const StackGuard&) = delete;
  StackGuard& operator=(const StackGuard&) = delete;

 private:
  lua_State* m_L;
  int m_top;
};

}  // namespace boss
