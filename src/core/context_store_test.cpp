#include "core/context_store.h"

#include <doctest/doctest.h>
#include <fstream>
#include <unistd.h>

#include "core/errors.h"

using namespace boss;

namespace {
std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("boss-ctx-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(std::rand()));
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
