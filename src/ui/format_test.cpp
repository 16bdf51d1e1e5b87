#include "ui/format.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("format: seconds have one decimal below ten, whole seconds above") {
  CHECK(format_seconds(0.04) == "0.0 s");
  CHECK(format_seconds(1.23) == "1.2 s");
  CHECK(format_seconds(9.94) == "9.9 s");
  CHECK(format_seconds(9.96) == "10 s");
  CHECK(format_seconds(300) == "300 s");
  CHECK(format_seconds(-1) == "0.0 s");
}

TEST_CASE("format: sizes in decimal units") {
  CHECK(format_bytes(812) == "812 B");
  CHECK(format_bytes(12300) == "12.3 kB");
  CHECK(format_bytes(45600000) == "45.6 MB");
  CHECK(format_bytes(999990) == "1.0 MB");
  CHECK(format_bytes(1200000000) == "1.2 GB");
}

TEST_CASE("format: a replica is named with its number") {
  CHECK(service_label("web", 0) == "web");
  CHECK(service_label("web", 2) == "web-2");
  CHECK(pad_right("db", 5) == "db   ");
  CHECK(pad_right("database", 5, 1) == "database ");
}
