#include "proxy/history.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "testing/temp_path.h"

using namespace boss;
using boss::testing::unique_temp_path;

namespace {

RequestRecord record(int i) {
  return RequestRecord{std::chrono::system_clock::time_point(std::chrono::milliseconds(1765100000123LL + i)), "GET",
                       "/page/" + std::to_string(i) + "?q=1", 200 + i % 3, 1.5};
}

}  // namespace

TEST_CASE("request history: a JSON line per request, read back oldest first") {
  const auto dir = unique_temp_path("history");
  {
    RequestHistory history(dir);
    CHECK(history.read("demo-web").empty());
    for (int i = 0; i < 5; ++i) CHECK(history.append("demo-web", record(i)));
    CHECK(history.append("demo-api", record(9)));
    const auto records = history.read("demo-web");
    REQUIRE(records.size() == 5);
    CHECK(records.front() == record(0));
    CHECK(records.back() == record(4));
    CHECK(history.read("demo-web", 2) == std::vector<RequestRecord>{record(3), record(4)});
    CHECK(history.read("demo-api").size() == 1);
  }
  CHECK(record_json(record(0)) ==
        R"({"duration_ms":1.5,"method":"GET","path":"/page/0?q=1","status":200,"time":"2025-12-07T09:33:20.123Z"})");
  // A later proxy reads and appends to the same files.
  RequestHistory again(dir);
  CHECK(again.append("demo-web", record(5)));
  CHECK(again.read("demo-web").size() == 6);
  std::filesystem::remove_all(dir);
}

TEST_CASE("request history: bounded, rotated at its size limit") {
  const auto dir = unique_temp_path("history");
  const std::size_t line = record_json(record(0)).size() + 1;
  RequestHistory history(dir, line * 10);
  for (int i = 0; i < 35; ++i) REQUIRE(history.append("demo-web", record(i % 7)));
  CHECK(std::filesystem::file_size(dir / "demo-web.jsonl") <= line * 10);
  CHECK(std::filesystem::file_size(dir / "demo-web.jsonl.1") <= line * 10);
  CHECK_FALSE(std::filesystem::exists(dir / "demo-web.jsonl.2"));
  const auto records = history.read("demo-web", 1000);
  CHECK(records.size() >= 10);
  CHECK(records.size() <= 20);
  CHECK(records.back() == record(34 % 7));  // the newest kept
  std::filesystem::remove_all(dir);
}

TEST_CASE("request history: names that are no container's are neither written nor read") {
  const auto dir = unique_temp_path("history");
  RequestHistory history(dir);
  for (const char* bad : {"", "../x", "a/b", ".hidden", "-x"}) {
    INFO(bad);
    CHECK_FALSE(history.append(bad, record(0)));
    CHECK(history.read(bad).empty());
  }
  CHECK_FALSE(record_from_json("not json"));
  CHECK_FALSE(record_from_json(R"({"time":"yesterday","status":200})"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("request history: an unwritable folder is a false append and a reason") {
  RequestHistory history("/proc/boss-no-such/history");
  CHECK_FALSE(history.append("demo-web", record(0)));
  CHECK(history.problem().find("cannot write /proc/boss-no-such/history/demo-web.jsonl") == 0);
}
