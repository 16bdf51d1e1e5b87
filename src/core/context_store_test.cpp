#include "core/context_store.h"

#include <doctest/doctest.h>
#include <fstream>
#include <unistd.h>

#include "core/errors.h"
#include "testing/temp_path.h"

using namespace boss;

namespace {
std::filesystem::path temp_dir() {
  auto dir = boss::testing::unique_temp_path("boss-ctx-");
  std::filesystem::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("context: values round-trip through the file, written only when changed") {
  const auto dir = temp_dir();
  ContextStore store(dir / ".boss-context");
  store.load();
  CHECK(store.snapshot().empty());
  CHECK_FALSE(store.save_if_dirty());
  store.set("user_id", std::string("42"));
  store.set("port", 5432.0);
  store.set("ratio", 0.5);
  store.set("ready", true);
  CHECK(store.save_if_dirty());
  CHECK_FALSE(store.save_if_dirty());
  store.set("ready", true);  // same value: not dirty
  CHECK_FALSE(store.save_if_dirty());

  ContextStore again(dir / ".boss-context");
  again.load();
  const auto text = again.text_snapshot();
  CHECK(text.at("user_id") == "42");
  CHECK(text.at("port") == "5432");
  CHECK(text.at("ratio") == "0.5");
  CHECK(text.at("ready") == "true");
  CHECK_FALSE(std::filesystem::exists(dir / ".boss-context.tmp"));
  again.remove_file();
  CHECK_FALSE(std::filesystem::exists(dir / ".boss-context"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("context: a malformed file is an error naming it, never overwritten") {
  const auto dir = temp_dir();
  std::ofstream(dir / ".boss-context") << "{not json";
  ContextStore store(dir / ".boss-context");
  CHECK_THROWS_WITH_AS(store.load(), doctest::Contains(".boss-context' is not valid JSON"), DefinitionError);
  std::ofstream(dir / ".boss-context") << "{\"a\": [1]}";
  CHECK_THROWS_WITH_AS(store.load(), doctest::Contains("value of 'a' must be a string, number or boolean"),
                       DefinitionError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("context: remembers which service set each key, across a reload of the file") {
  const auto dir = temp_dir();
  const auto file = dir / ".boss" / "p" / "context.json";
  ContextStore store(file);
  store.load();
  store.set("user_id", 7.0, "db");
  store.set("token", std::string("x"));
  CHECK(store.save_if_dirty());
  ContextStore again(file);
  again.load();
  CHECK(again.set_by("user_id") == std::optional<std::string>("db"));
  CHECK_FALSE(again.set_by("token"));
  CHECK(again.text_snapshot().at("user_id") == "7");
  again.erase("user_id");  // who set it is still known: a later "not set" names it
  CHECK(again.set_by("user_id") == std::optional<std::string>("db"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("context: a plain object of values (hand-written, or boss 0.1's file) is read") {
  const auto dir = temp_dir();
  std::ofstream(dir / "context.json") << R"({"user_id": 42, "name": "x"})";
  ContextStore store(dir / "context.json");
  store.load();
  CHECK(store.text_snapshot() == std::map<std::string, std::string>{{"name", "x"}, {"user_id", "42"}});
  std::filesystem::remove_all(dir);
}

TEST_CASE("context: a failed write leaves the previous file intact and says which file") {
  const auto dir = temp_dir();
  const auto file = dir / "context.json";
  ContextStore store(file);
  store.set("a", std::string("1"));
  CHECK(store.save_if_dirty());
  // The temporary file cannot be made: a folder is in its way.
  std::filesystem::create_directories(dir / "context.json.tmp");
  store.set("a", std::string("2"));
  CHECK_THROWS_WITH_AS(store.save_if_dirty(), doctest::Contains("context.json"), FatalError);
  ContextStore again(file);
  again.load();
  CHECK(again.text_snapshot().at("a") == "1");
  std::filesystem::remove_all(dir);
}
