#include "cli/init_command.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "script/script_test_support.h"

using namespace boss;
using boss::testing_script::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST_CASE("init: writes services.lua and a .luarc.json naming the definitions' folder") {
  TempDir dir;
  const auto written = write_starter_files(dir.dir() / "services.lua", "/usr/share/boss");
  CHECK(written.size() == 2);
  CHECK(read(dir.dir() / "services.lua") == starter_services_lua());
  const auto luarc = nlohmann::json::parse(read(dir.dir() / ".luarc.json"));
  CHECK(luarc["workspace"]["library"] == nlohmann::json::array({"/usr/share/boss"}));
  CHECK(luarc["runtime"]["version"] == "LuaJIT");
}

TEST_CASE("init: refuses to overwrite either file, and then writes neither") {
  TempDir dir;
  dir.write(".luarc.json", "{\"mine\": true}\n");
  CHECK_THROWS_WITH_AS(write_starter_files(dir.dir() / "services.lua", "/x"),
                       doctest::Contains(".luarc.json already exists"), DefinitionError);
  CHECK_FALSE(fs::exists(dir.dir() / "services.lua"));
  CHECK(read(dir.dir() / ".luarc.json") == "{\"mine\": true}\n");

  TempDir other;
  other.write("services.lua", "-- mine\n");
  CHECK_THROWS_WITH_AS(write_starter_files(other.dir() / "services.lua", "/x"),
                       doctest::Contains("services.lua already exists"), DefinitionError);
  CHECK_FALSE(fs::exists(other.dir() / ".luarc.json"));
  CHECK(read(other.dir() / "services.lua") == "-- mine\n");
}

TEST_CASE("init: a missing folder is one line naming the file, nothing left behind") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(write_starter_files(dir.dir() / "no" / "services.lua", "/x"),
                       doctest::Contains("cannot write"), DefinitionError);
  CHECK_FALSE(fs::exists(dir.dir() / "no"));
}

TEST_CASE("init: the definitions are found beside an installed binary, else in the build folder's copy") {
  TempDir dir;
  dir.write("prefix/share/boss/boss.d.lua", "---@meta\n");
  CHECK(definitions_dir(dir.dir() / "prefix" / "bin" / "boss") == dir.dir() / "prefix" / "share" / "boss");
  dir.write("build/share/boss/boss.d.lua", "---@meta\n");
  CHECK(definitions_dir(dir.dir() / "build" / "boss") == dir.dir() / "build" / "share" / "boss");
  // Neither: where an installed binary's would be.
  CHECK(definitions_dir(dir.dir() / "elsewhere" / "bin" / "boss") == dir.dir() / "elsewhere" / "share" / "boss");
}
