#include "ui/json_escape.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace boss;

namespace {

std::string as_json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("json escape: control characters, quotes and backslashes") {
  CHECK(as_json("plain") == "\"plain\"");
  CHECK(as_json("a \"b\" \\c") == R"("a \"b\" \\c")");
  CHECK(as_json("tab\tnl\ncr\r\x01\x1b[0m") == R"("tab\tnl\ncr\r\u0001\u001b[0m")");
  CHECK(as_json("ünïcødé ✔ 🐳") == "\"ünïcødé ✔ 🐳\"");
}

TEST_CASE("json escape: invalid UTF-8 becomes U+FFFD and the result parses") {
  const std::string bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "x\x80y"};
  for (const auto& text : bad) {
    INFO("input bytes: " << text.size());
    const std::string out = as_json(text);
    nlohmann::json parsed;
    REQUIRE_NOTHROW(parsed = nlohmann::json::parse(out));
    CHECK(parsed.get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  }
  CHECK(as_json("x\x80y") == "\"x\xEF\xBF\xBDy\"");
}
