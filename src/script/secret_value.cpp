#include "script/secret_value.h"

#include <lua.hpp>

#include <new>

#include "core/secrets.h"

namespace boss {
namespace {

constexpr const char* kMetatable = "boss.Secret";
constexpr const char* kRedactorKey = "boss.Secret.redactor";

SecretRedactor* redactor_of(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRedactorKey);
  auto* redactor = static_cast<SecretRedactor*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return redactor;
}

int secret_gc(lua_State* L) {
  static_cast<std::string*>(lua_touserdata(L, 1))->~basic_string();
  return 0;
}

int secret_tostring(lua_State* L) {
  lua_pushliteral(L, "<secret>");
  return 1;
}

// A string, a number or a secret, as text; false for anything else.
bool piece_text(lua_State* L, int index, std::string& out) {
  if (const std::string* secret = to_secret(L, index)) {
    out = *secret;
    return true;
  }
  if (lua_type(L, index) == LUA_TSTRING || lua_type(L, index) == LUA_TNUMBER) {
    size_t len = 0;
    const char* text = lua_tolstring(L, index, &len);
    out.assign(text, len);
    return true;
  }
  return false;
}

int secret_concat(lua_State* L) {
  std::string left, right;
  if (!piece_text(L, 1, left) || !piece_text(L, 2, right))
    return luaL_error(L, "attempt to concatenate a boss.secret value with a %s value",
                      luaL_typename(L, to_secret(L, 1) ? 2 : 1));
  push_secret(L, left + right);
  return 1;
}

int secret_eq(lua_State* L) {
  const std::string* a = to_secret(L, 1);
  const std::string* b = to_secret(L, 2);
  lua_pushboolean(L, a && b && *a == *b);
  return 1;
}

int secret_index(lua_State* L) {
  return luaL_error(L, "a boss.secret value has no fields; boss.reveal(value) gives its text");
}

}  // namespace

void set_secret_redactor(lua_State* L, SecretRedactor* redactor) {
  lua_pushlightuserdata(L, redactor);
  lua_setfield(L, LUA_REGISTRYINDEX, kRedactorKey);
}

void register_secret_type(lua_State* L, SecretRedactor* redactor) {
  set_secret_redactor(L, redactor);
  luaL_newmetatable(L, kMetatable);
  static const luaL_Reg methods[] = {{"__gc", secret_gc},         {"__tostring", secret_tostring},
                                     {"__concat", secret_concat}, {"__eq", secret_eq},
                                     {"__index", secret_index},   {nullptr, nullptr}};
  luaL_register(L, nullptr, methods);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable(secret) gives false: nothing to pry at
  lua_pop(L, 1);
}

void push_secret(lua_State* L, const std::string& text) {
  if (SecretRedactor* redactor = redactor_of(L)) redactor->add(text);
  void* memory = lua_newuserdata(L, sizeof(std::string));
  new (memory) std::string(text);
  luaL_getmetatable(L, kMetatable);
  lua_setmetatable(L, -2);
}

const std::string* to_secret(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TUSERDATA || !lua_getmetatable(L, index)) return nullptr;
  luaL_getmetatable(L, kMetatable);
  const bool same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? static_cast<const std::string*>(lua_touserdata(L, index)) : nullptr;
}

}  // namespace boss
