#include "script/engine_reader.h"

#include <lua.hpp>

#include "script/service_reader.h"
#include "script/stack_guard.h"

namespace boss {
namespace {

std::string string_field(lua_State* L, int table, const char* key) {
  lua_getfield(L, table, key);
  std::string out;
  if (lua_type(L, -1) == LUA_TSTRING) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    out.assign(s, len);
  }
  lua_pop(L, 1);
  return out;
}

}  // namespace

std::vector<EngineSpec> read_engines(lua_State* L, int index, const std::filesystem::path& dir) {
  StackGuard guard(L);
  const int list = index > 0 ? index : lua_gettop(L) + index + 1;
  std::vector<EngineSpec> out;
  const int count = static_cast<int>(lua_objlen(L, list));
  for (int i = 1; i <= count; ++i) {
    lua_rawgeti(L, list, i);
    const int record = lua_gettop(L);
    EngineSpec engine;
    engine.name = string_field(L, record, "name");
    engine.host = string_field(L, record, "host");
    engine.address = string_field(L, record, "address");
    engine.defined_at = string_field(L, record, "defined_at");
    lua_getfield(L, record, "tls");
    if (lua_type(L, -1) == LUA_TTABLE) {
      const int tls = lua_gettop(L);
      EngineSpec::Tls files;
      const auto path = [&](const char* key) {
        const std::string text = string_field(L, tls, key);
        return text.empty() ? text : resolve_user_path(dir, text).string();
      };
      files.ca = path("ca");
      files.cert = path("cert");
      files.key = path("key");
      lua_getfield(L, tls, "verify");
      files.verify = lua_toboolean(L, -1) != 0;
      lua_pop(L, 1);
      engine.tls = files;
    }
    lua_pop(L, 2);
    out.push_back(std::move(engine));
  }
  return out;
}

}  // namespace boss
