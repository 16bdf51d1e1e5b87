#include "core/restart_policy.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("restart policy: compose's forms parse, others do not") {
  CHECK(parse_restart_policy("no") == RestartPolicy{});
  CHECK(parse_restart_policy("always") == RestartPolicy{"always", 0});
  CHECK(parse_restart_policy("unless-stopped") == RestartPolicy{"unless-stopped", 0});
  CHECK(parse_restart_policy("on-failure") == RestartPolicy{"on-failure", 0});
  CHECK(parse_restart_policy("on-failure:3") == RestartPolicy{"on-failure", 3});
  for (const char* bad : {"", "yes", "Always", "always:3", "on-failure:", "on-failure:0", "on-failure:-1",
                          "on-failure:x", "on-failure:03", "on-failure:99999999", "unless_stopped", " no"})
    CHECK_MESSAGE(!parse_restart_policy(bad), bad);
}

TEST_CASE("restart policy: text as the field spells it, empty for no policy") {
  CHECK(restart_policy_text({}) == "");
  CHECK(restart_policy_text({"no", 0}) == "");  // as the engine reports "no"
  CHECK(restart_policy_text({"always", 0}) == "always");
  CHECK(restart_policy_text({"on-failure", 0}) == "on-failure");
  CHECK(restart_policy_text({"on-failure", 5}) == "on-failure:5");
  CHECK(restart_policy_text(*parse_restart_policy("on-failure:7")) == "on-failure:7");
}
