#include "core/registry_auth.h"

#include <doctest/doctest.h>

namespace boss {

TEST_CASE("registry_host: a first part that looks like a host names the registry, else Docker Hub") {
  CHECK(registry_host("127.0.0.1:5000/app:1") == "127.0.0.1:5000");
  CHECK(registry_host("registry.example.com/team/app") == "registry.example.com");
  CHECK(registry_host("localhost/app") == "localhost");
  CHECK(registry_host("busybox") == "docker.io");
  CHECK(registry_host("busybox:1.36") == "docker.io");
  CHECK(registry_host("team/app:2") == "docker.io");
  CHECK(registry_host("docker.io/library/busybox") == "docker.io");
  CHECK(names_registry("host:5000/app"));
  CHECK_FALSE(names_registry("app:5000"));
  CHECK_FALSE(names_registry("team/app"));
}

}  // namespace boss
