#include "cli/services_file.h"

#include <doctest/doctest.h>

#include <fstream>

#include "script/script_test_support.h"

using namespace boss;

TEST_CASE("services file: -f wins, then services.lua, then compose's names in compose's order") {
  testing_script::TempDir dir;
  CHECK(services_file("", dir.dir()) == "services.lua");
  CHECK(services_file("other.lua", dir.dir()) == "other.lua");
  dir.write("docker-compose.yml", "services: {}\n");
  CHECK(services_file("", dir.dir()) == "docker-compose.yml");
  dir.write("docker-compose.yaml", "services: {}\n");
  CHECK(services_file("", dir.dir()) == "docker-compose.yaml");
  dir.write("compose.yml", "services: {}\n");
  CHECK(services_file("", dir.dir()) == "compose.yml");
  dir.write("compose.yaml", "services: {}\n");
  CHECK(services_file("", dir.dir()) == "compose.yaml");
  dir.write("services.lua", "");
  CHECK(services_file("", dir.dir()) == "services.lua");
  CHECK(services_file("x/compose.yaml", dir.dir()) == "x/compose.yaml");
}
