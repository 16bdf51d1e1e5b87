#include "engine/progress_message.h"

#include <doctest/doctest.h>

using namespace boss;
using nlohmann::json;

namespace {

// Reads `objects` as one stream and renders the steps one a line:
// build "[2/5] text", pull "layer: status current/total".
std::vector<std::string> read_stream(const std::vector<json>& objects) {
  std::vector<std::string> out;
  ProgressReader reader([&](const ImageProgress& step) {
    if (step.kind == ImageProgress::Kind::build)
      out.push_back("[" + std::to_string(step.step) + "/" + std::to_string(step.steps) + "] " + step.text);
    else
      out.push_back(step.layer + ": " + step.status + " " + std::to_string(step.current) + "/" +
                    std::to_string(step.total));
  });
  for (const json& object : objects) CHECK_FALSE(reader.read(object));
  reader.finish();
  return out;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: build output lines, numbered with their step") {
  CHECK(read_stream({{{"stream", "Step 1/2 : FROM busybox\n"}},
                     {{"stream", " ---> 0123abcd\n"}},
                     {{"stream", "Step 2/2 : RUN make\n ---> Running in abc\n\n"}},
                     {{"stream", "compiling  \r\n"}},
                     {{"aux", {{"ID", "sha256:00"}}}},
                     {{"stream", "Successfully built 0123abcd\n"}}}) ==
        std::vector<std::string>{"[1/2] Step 1/2 : FROM busybox", "[1/2]  ---> 0123abcd",
                                 "[2/2] Step 2/2 : RUN make", "[2/2]  ---> Running in abc", "[2/2] compiling",
                                 "[2/2] Successfully built 0123abcd"});
  // Before any step, or without the builder's numbering, the step is unknown.
  CHECK(read_stream({{{"stream", "Stepping 1/2 : x\n"}}, {{"stream", "Step 3/x : y\n"}}}) ==
        std::vector<std::string>{"[0/0] Stepping 1/2 : x", "[0/0] Step 3/x : y"});
}

TEST_CASE("engine: build output written in parts is joined into lines") {
  CHECK(read_stream({{{"stream", "Step 1/1 : RUN echo"}},
                     {{"stream", " hi\nhal"}},
                     {{"stream", "f"}},
                     {{"stream", "\nno newline at the end"}}}) ==
        std::vector<std::string>{"[1/1] Step 1/1 : RUN echo hi", "[1/1] half", "[1/1] no newline at the end"});
}

TEST_CASE("engine: pull progress keeps byte ticks but drops repeats") {
  CHECK(read_stream({{{"status", "Pulling from library/busybox"}, {"id", "latest"}},
                     {{"status", "Pulling fs layer"}, {"progressDetail", json::object()}, {"id", "a1b2"}},
                     {{"status", "Downloading"}, {"progressDetail", {{"current", 10}, {"total", 100}}},
                      {"progress", "[=>   ]"}, {"id", "a1b2"}},
                     {{"status", "Downloading"}, {"progressDetail", {{"current", 10}, {"total", 100}}}, {"id", "a1b2"}},
                     {{"status", "Waiting"}, {"id", "c3d4"}},
                     {{"status", "Downloading"}, {"progressDetail", {{"current", 60}, {"total", 100}}}, {"id", "a1b2"}},
                     {{"status", "Pull complete"}, {"id", "a1b2"}},
                     {{"status", "Digest: sha256:00"}},
                     {{"status", "Digest: sha256:00"}}}) ==
        std::vector<std::string>{": Pulling from library/busybox 0/0", "a1b2: Pulling fs layer 0/0",
                                 "a1b2: Downloading 10/100", "c3d4: Waiting 0/0", "a1b2: Downloading 60/100",
                                 "a1b2: Pull complete 0/0", ": Digest: sha256:00 0/0", ": Digest: sha256:00 0/0"});
}

TEST_CASE("engine: progress errors") {
  ProgressReader reader(nullptr);
  const json build_error = {
      {"errorDetail", {{"code", 1}, {"message", "The command '/bin/sh -c false' returned a non-zero code: 1"}}},
      {"error", "The command '/bin/sh -c false' returned a non-zero code: 1"}};
  CHECK(reader.read(build_error) == "The command '/bin/sh -c false' returned a non-zero code: 1");
  CHECK(reader.read(json{{"errorDetail", {{"message", "denied\n"}}}}) == "denied");
  CHECK_FALSE(reader.read(json{{"stream", "no error\n"}}));
  CHECK_FALSE(reader.read(json::array()));
}

}  // TEST_SUITE
