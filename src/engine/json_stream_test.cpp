#include "engine/json_stream.h"

#include <doctest/doctest.h>

#include "engine/progress_message.h"

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

TEST_CASE("engine: build progress lines") {
  const auto message =
      read_progress_message(json{{"stream", "Step 2/3 : RUN make\n ---> Running in abc\n\n"}});
  CHECK_FALSE(message.error);
  CHECK(message.lines == std::vector<std::string>{"Step 2/3 : RUN make", " ---> Running in abc"});
}

TEST_CASE("engine: pull progress lines drop byte-count ticks") {
  CHECK(read_progress_message(json{{"status", "Pulling fs layer"}, {"id", "a1b2"}}).lines ==
        std::vector<std::string>{"a1b2: Pulling fs layer"});
  CHECK(read_progress_message(json{{"status", "Digest: sha256:00"}}).lines ==
        std::vector<std::string>{"Digest: sha256:00"});
  const json tick = {{"status", "Downloading"},
                     {"id", "a1b2"},
                     {"progressDetail", {{"current", 10}, {"total", 100}}},
                     {"progress", "[=>   ]"}};
  CHECK(read_progress_message(tick).lines.empty());
}

TEST_CASE("engine: progress errors") {
  const json build_error = {
      {"errorDetail", {{"code", 1}, {"message", "The command '/bin/sh -c false' returned a non-zero code: 1"}}},
      {"error", "The command '/bin/sh -c false' returned a non-zero code: 1"}};
  const auto message = read_progress_message(build_error);
  REQUIRE(message.error);
  CHECK(*message.error == "The command '/bin/sh -c false' returned a non-zero code: 1");

  const auto detail_only = read_progress_message(json{{"errorDetail", {{"message", "denied\n"}}}});
  REQUIRE(detail_only.error);
  CHECK(*detail_only.error == "denied");
}

}  // TEST_SUITE
