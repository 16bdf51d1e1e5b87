// The text of a Lua error value, whatever the hook raised: strings and numbers as they
// are, tables through their __tostring, anything else (error({}), error(nil)) named by
// its type, never a crash.
#pragma once

#include <lua.hpp>

#include <string>

namespace boss {

inline std::string lua_error_text(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING || lua_type(L, index) == LUA_TNUMBER) {
    size_t len = 0;
    const char* s = lua_tolstring(L, index, &len);
    return std::string(s, len);
  }
  if (luaL_callmeta(L, index, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
    std::string text = lua_tostring(L, -1);
    lua_pop(L, 1);
    return text;
  }
  return std::string("(error object is a ") + luaL_typename(L, index) + " value)";
}

}  // namespace boss
