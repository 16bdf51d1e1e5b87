#include "cli/watch_handover.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>

#include "core/errors.h"

using namespace boss;

TEST_CASE("watch handover: the descriptor and the pending paths survive the round trip") {
  const WatchHandover h{7, {"/a/b.txt", "/c d/é\"quote.txt"}};
  CHECK(parse_handover(handover_text(h)) == h);
  CHECK(parse_handover(R"({"fd":3})") == WatchHandover{3, {}});
}

TEST_CASE("watch handover: a malformed variable is one line naming it") {
  for (const char* text : {"", "5", "{}", R"({"fd":-1})", R"({"fd":"5"})", R"({"fd":5,"pending":"x"})",
                           R"({"fd":5,"pending":["relative/path"]})", R"({"fd":5,"pending":[3]})"}) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(parse_handover(text), doctest::Contains("BOSS_WATCH_HANDOVER: "), DefinitionError);
  }
}

TEST_CASE("watch handover: pass_on keeps the descriptor open across exec; take_handover reads and removes it") {
  const int fd = inotify_init1(IN_CLOEXEC);
  REQUIRE(fd >= 0);
  pass_on({fd, {"/x/y"}});
  CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0);
  const auto got = take_handover();
  REQUIRE(got);
  CHECK(got->fd == fd);
  CHECK(got->pending == std::vector<std::filesystem::path>{"/x/y"});
  CHECK(std::getenv(kWatchHandoverVariable) == nullptr);
  CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);  // closed on the next exec, unless passed on again
  CHECK_FALSE(take_handover());
  ::close(fd);
  ::setenv(kWatchHandoverVariable, R"({"fd":999999})", 1);
  CHECK_THROWS_WITH_AS(take_handover(), doctest::Contains("descriptor 999999 is not open"), DefinitionError);
  CHECK(std::getenv(kWatchHandoverVariable) == nullptr);
}
