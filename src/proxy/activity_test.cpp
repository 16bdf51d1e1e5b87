#include "proxy/activity.h"

#include <doctest/doctest.h>

#include <vector>

using namespace boss;

TEST_CASE("activity: an open connection counts until its Open goes, moves included") {
  ServiceActivity activity;
  CHECK(activity.open_connections("web") == 0);
  CHECK_FALSE(activity.seen("web").last);
  const auto at = ServiceActivity::Clock::time_point(std::chrono::seconds(1000));
  {
    auto first = activity.open("web", at);
    auto second = activity.open("web", at + std::chrono::seconds(5));
    CHECK(activity.open_connections("web") == 2);
    CHECK(activity.seen("web").last == at + std::chrono::seconds(5));
    std::vector<ServiceActivity::Open> kept;
    kept.push_back(std::move(first));  // moved: still one connection, not two
    CHECK(activity.open_connections("web") == 2);
    kept.clear();
    CHECK(activity.open_connections("web") == 1);
    second = activity.open("api", at);  // the old one closes as it is replaced
    CHECK(activity.open_connections("web") == 0);
    CHECK(activity.open_connections("api") == 1);
  }
  CHECK(activity.open_connections("api") == 0);
  CHECK(activity.seen("web").requests == 2);
  CHECK(activity.seen("web").last == at + std::chrono::seconds(5));  // the last request stays known
}
