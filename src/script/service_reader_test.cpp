#include "script/service_reader.h"

#include <doctest/doctest.h>

#include "core/command_words.h"

using namespace boss;

TEST_CASE("service reader: split_command_line and number text") {
  CHECK(split_command_line("  a  b\t'c d' \"e \\\"f\\\"\" g\\ h ''") ==
        std::vector<std::string>{"a", "b", "c d", "e \"f\"", "g h", ""});
  CHECK(split_command_line("").empty());
  CHECK(lua_number_text(5432) == "5432");
  CHECK(lua_number_text(1.5) == "1.5");
  CHECK(lua_number_text(-3) == "-3");
}

TEST_CASE("service reader: split_at keeps empty parts") {
  CHECK(split_at("a:b::c", ':') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(split_at("", ':') == std::vector<std::string>{""});
  CHECK(split_at("./data:/data", ':') == std::vector<std::string>{"./data", "/data"});
}
