#include "platform/bridge_address.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("bridge address: none for an id no interface of this host has, or too short a one") {
  CHECK(bridge_address("0123456789abcdef0123456789abcdef") == "");
  CHECK(bridge_address("abc") == "");
  CHECK(bridge_address("") == "");
}
