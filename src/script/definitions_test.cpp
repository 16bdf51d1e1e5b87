// lua/boss.d.lua (the LuaLS definitions editors read) against what boss really accepts
// and offers: the ---@field list of boss.Service against the reader's fields, and the
// functions it documents against the module services.lua gets from `require "boss"`.
// Adding a field or a helper without documenting it (or the reverse) fails here.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <lua.hpp>

#include "core/context_store.h"
#include "core/event_loop.h"
#include "script/lua_host.h"
#include "script/script_test_support.h"
#include "script/service_reader.h"
#include "testing/source_file.h"

using namespace boss;
using boss::testing_script::RecordingOutput;
using boss::testing_script::TempDir;

namespace {

std::string definitions() { return boss::testing::source_file("lua/boss.d.lua"); }

// The ---@field names of the ---@class `name` block (up to the first line that is not ---).
std::set<std::string> fields_of_class(const std::string& text, const std::string& name) {
  std::set<std::string> fields;
  std::istringstream lines(text);
  std::string line;
  bool inside = false;
  const std::regex field(R"(^---@field\s+([A-Za-z_][A-Za-z0-9_]*)\??\s)");
  while (std::getline(lines, line)) {
    if (line.rfind("---@class ", 0) == 0) {
      const std::string rest = line.substr(10);
      inside = rest == name || rest.rfind(name + ":", 0) == 0 || rest.rfind(name + " ", 0) == 0;
      continue;
    }
    if (line.rfind("---", 0) != 0) inside = false;
    std::smatch match;
    if (inside && std::regex_search(line, match, field)) fields.insert(match[1]);
  }
  return fields;
}

// Names matching `pattern`'s first group anywhere in `text`.
std::set<std::string> matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> names;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    names.insert((*it)[1]);
  return names;
}

std::string listed(const std::set<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// What `require "boss"` really holds: its keys and boss.Service's, as services.lua sees them.
std::pair<std::set<std::string>, std::set<std::string>> module_keys() {
  TempDir dir;
  EventLoop loop;
  ContextStore context;
  RecordingOutput output;
  LuaHost host(loop, context, output);
  host.load(dir.write("services.lua", R"(local boss = require "boss"
local function keys(t) local out = {} for k in pairs(t) do out[#out + 1] = k end table.sort(out) return table.concat(out, " ") end
boss.log(keys(boss))
boss.log(keys(boss.Service))
)"),
            "");
  const auto logs = output.logs();
  REQUIRE(logs.size() == 2);
  auto split = [](const std::string& text) {
    std::set<std::string> out;
    std::istringstream words(text);
    for (std::string w; words >> w;) out.insert(w);
    return out;
  };
  return {split(logs[0].second), split(logs[1].second)};
}

}  // namespace

TEST_CASE("boss.d.lua: boss.Service's ---@field list is the reader's fields, no more, no less") {
  const auto documented = fields_of_class(definitions(), "boss.Service");
  const auto names = service_field_names();
  const std::set<std::string> accepted(names.begin(), names.end());
  std::set<std::string> undocumented, unknown;
  std::set_difference(accepted.begin(), accepted.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), accepted.begin(), accepted.end(),
                      std::inserter(unknown, unknown.end()));
  CHECK_MESSAGE(undocumented.empty(), "accepted by the reader, missing in boss.d.lua: " << listed(undocumented));
  CHECK_MESSAGE(unknown.empty(), "in boss.d.lua, unknown to the reader: " << listed(unknown));
  CHECK(documented.count("image") == 1);
  CHECK(documented.count("ping") == 1);
}

TEST_CASE("boss.d.lua: documents every function and table of the boss module and of boss.Service") {
  const std::string text = definitions();
  const auto [module, service] = module_keys();
  auto documented = matches(text, R"(\nfunction boss\.([A-Za-z_]+)\()");
  const auto tables = matches(text, R"(\nboss\.([A-Za-z_]+) = )");
  documented.insert(tables.begin(), tables.end());
  CHECK_MESSAGE(documented == module, "documented: " << listed(documented) << "; the module: " << listed(module));
  const auto methods = matches(text, R"(\nfunction boss\.Service:([A-Za-z_]+)\()");
  CHECK_MESSAGE(methods == service, "documented: " << listed(methods) << "; boss.Service: " << listed(service));
}

TEST_CASE("boss.d.lua: is a LuaLS meta file that Lua can parse") {
  const std::string text = definitions();
  CHECK(text.rfind("---@meta", 0) == 0);
  lua_State* L = luaL_newstate();
  const int status = luaL_loadstring(L, text.c_str());
  CHECK_MESSAGE(status == 0, (status ? lua_tostring(L, -1) : ""));
  lua_close(L);
}
