#include "engine/json_stream.h"

#include <doctest/doctest.h>

using namespace boss;
using nlohmann::json;

TEST_SUITE("engine") {

TEST_CASE("engine: JSON objects split across chunks and without newlines") {
  std::vector<json> objects;
  JsonObjectStream stream([&](const json& object) { objects.push_back(object); });
  stream.feed("{\"stream\":\"Step 1/2 : FR");
  CHECK(objects.empty());
  stream.feed("OM x\\n\"}\r\n{\"status\":\"a } \\\" {\",\"nested\":{\"k\":[1,{}]}}");
  stream.feed("{\"aux\":{\"ID\":\"sha256:1\"}}\n");
  REQUIRE(objects.size() == 3);
  CHECK(objects[0]["stream"] == "Step 1/2 : FROM x\n");
  CHECK(objects[1]["status"] == "a } \" {");
  CHECK(objects[1]["nested"]["k"][0] == 1);
  CHECK(objects[2]["aux"]["ID"] == "sha256:1");
}

}  // TEST_SUITE
