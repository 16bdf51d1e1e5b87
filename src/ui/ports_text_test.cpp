#include "ui/ports_text.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("ports: addresses a user can open, each port once") {
  const std::vector<PublishedPort> ports = {
      {80, "tcp", "0.0.0.0", 32768}, {80, "tcp", "::", 32768},     {53, "udp", "", 5353},
      {443, "tcp", "127.0.0.1", 8443}, {9000, "tcp", "::1", 9000},
  };
  CHECK(port_addresses(ports) == std::vector<std::string>{"localhost:32768 -> 80/tcp", "localhost:5353 -> 53/udp",
                                                          "127.0.0.1:8443 -> 443/tcp", "[::1]:9000 -> 9000/tcp"});
  CHECK(format_ports({{80, "tcp", "127.0.0.1", 32768}}) == "127.0.0.1:32768 -> 80/tcp");
  CHECK(format_ports({}) == "");
}
