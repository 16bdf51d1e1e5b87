#include "core/byte_size.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("byte size: units are powers of 1024, any case, with an optional b or ib") {
  CHECK(parse_byte_size("1048576") == 1048576);
  CHECK(parse_byte_size("100b") == 100);
  CHECK(parse_byte_size("512k") == 512 * 1024);
  CHECK(parse_byte_size("512m") == 512LL * 1024 * 1024);
  CHECK(parse_byte_size("512MB") == 512LL * 1024 * 1024);
  CHECK(parse_byte_size("512MiB") == 512LL * 1024 * 1024);
  CHECK(parse_byte_size("2g") == 2LL * 1024 * 1024 * 1024);
  CHECK(parse_byte_size("1.5G") == 1536LL * 1024 * 1024);
  CHECK(parse_byte_size("1t") == 1LL << 40);
}

TEST_CASE("byte size: malformed, zero, fractional bytes and huge values are refused") {
  for (const char* bad : {"", "m", "-1m", "512 m", "512x", "512mm", "1.2.3g", ".5g", "5.g", "0", "0m", "1.5",
                          "1.5b", "9999999t", "512mibs"})
    CHECK_MESSAGE(!parse_byte_size(bad), bad);
}

TEST_CASE("byte size: shown in the largest whole unit") {
  CHECK(byte_size_text(512LL * 1024 * 1024) == "512m");
  CHECK(byte_size_text(1536LL * 1024 * 1024) == "1.5g");
  CHECK(byte_size_text(2LL * 1024 * 1024 * 1024) == "2g");
  CHECK(byte_size_text(1000) == "1000b");
}
