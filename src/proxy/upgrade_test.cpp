#include "proxy/upgrade.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("upgrade: a WebSocket upgrade is recognised, in any case and among other tokens") {
  CHECK(requested_upgrade("Upgrade", "websocket") == "websocket");
  CHECK(requested_upgrade("keep-alive, Upgrade", "WebSocket") == "websocket");
  CHECK(requested_upgrade(" upgrade ,keep-alive", " websocket/13 ") == "websocket");
}

TEST_CASE("upgrade: anything else is an ordinary request") {
  CHECK(requested_upgrade("keep-alive", "websocket") == "");      // Connection does not name it
  CHECK(requested_upgrade("", "websocket") == "");
  CHECK(requested_upgrade("Upgrade", "") == "");
  CHECK(requested_upgrade("Upgrade", "h2c") == "");               // only WebSocket is passed through
  CHECK(requested_upgrade("upgraded", "websocket") == "");        // a whole token, not a prefix
  CHECK(requested_upgrade("Upgrade", "websocketx") == "");
}

TEST_CASE("upgrade: names_token reads a comma-separated list") {
  CHECK(names_token("close", "close"));
  CHECK(names_token("a, b ,\tc", "c"));
  CHECK_FALSE(names_token("a,,b", ""));
  CHECK_FALSE(names_token("abc", "b"));
}
