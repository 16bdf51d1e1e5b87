#include "core/config.h"

#include <doctest/doctest.h>

#include "core/project.h"

using namespace boss;

TEST_CASE("config: mem_limit is part of the hash; unset it leaves the hash of older definitions alone") {
  ServiceSpec spec;
  spec.name = "web";
  spec.image = "busybox";
  const auto none = desired_config(spec, "sha256:1", {});
  CHECK_FALSE(none.to_json().contains("mem_limit"));
  spec.mem_limit = 512LL * 1024 * 1024;
  const auto limited = desired_config(spec, "sha256:1", {});
  CHECK(limited.to_json()["mem_limit"] == 536870912);
  CHECK(limited.hash() != none.hash());
  const auto changes = describe_changes(none.to_json(), limited);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == "mem_limit changed");
  // idle_timeout is the proxy's business, not the container's.
  spec.on_demand = true;
  spec.idle_timeout = 2;
  CHECK(desired_config(spec, "sha256:1", {}).hash() == limited.hash());
}
