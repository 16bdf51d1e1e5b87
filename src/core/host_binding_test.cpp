#include "core/host_binding.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("host binding: a port, an address and a port, or an address alone") {
  CHECK(parse_host_binding("5433") == HostBinding{"", 5433});
  CHECK(parse_host_binding("0") == HostBinding{"", 0});
  CHECK(parse_host_binding("127.0.0.1:5433") == HostBinding{"127.0.0.1", 5433});
  CHECK(parse_host_binding("127.0.0.1:") == HostBinding{"127.0.0.1", 0});
  CHECK(parse_host_binding("0.0.0.0:80") == HostBinding{"0.0.0.0", 80});
  CHECK(parse_host_binding("[::1]:5433") == HostBinding{"::1", 5433});
  CHECK(parse_host_binding("[::1]:") == HostBinding{"::1", 0});
  CHECK(parse_host_binding("[fe80::1:2]:65535") == HostBinding{"fe80::1:2", 65535});
}

TEST_CASE("host binding: what is not an address or a port") {
  for (const char* bad : {"", ":", ":5433", "localhost:5433", "127.0.0.1", "127.0.0:80", "127.0.0.1:65536",
                          "127.0.0.1:-1", "127.0.0.1:8o", "127.0.0.1:80:81", "::1:5433", "[::1]", "[::1]5433",
                          "[127.0.0.1]:80", "[::1:80", "[]:80", "abc", "123456", " 80"})
    CHECK_MESSAGE(!parse_host_binding(bad), bad);
}

TEST_CASE("host binding: text parses back to the same binding") {
  CHECK(host_binding_text({"", 5433}) == "5433");
  CHECK(host_binding_text({"127.0.0.1", 0}) == "127.0.0.1:0");
  CHECK(host_binding_text({"::1", 5433}) == "[::1]:5433");
  for (const HostBinding& b : {HostBinding{"", 0}, HostBinding{"10.1.2.3", 80}, HostBinding{"fe80::1", 0}})
    CHECK(parse_host_binding(host_binding_text(b)) == b);
}
