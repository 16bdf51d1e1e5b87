#include "core/start_journal.h"

#include <doctest/doctest.h>

#include <fstream>
#include <unistd.h>

using namespace boss;

TEST_CASE("start journal: marks survive a reload of the file; an empty journal leaves no file") {
  const auto dir = std::filesystem::temp_directory_path() / ("boss-journal-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / ".boss-state";
  StartJournal journal(file, "demo");
  journal.load();
  CHECK(journal.snapshot().empty());
  journal.mark("db", {"c1", "post_start"});
  journal.mark("web", {"c2", "ping"});
  CHECK(std::filesystem::exists(file));
  StartJournal again(file, "demo");
  again.load();
  CHECK(again.pending("db") == PendingStart{"c1", "post_start"});
  CHECK(again.pending("web") == PendingStart{"c2", "ping"});
  again.clear("db");
  again.clear("web");
  CHECK_FALSE(std::filesystem::exists(file));
  std::ofstream(file) << "garbage";
  again.load();  // damaged: treated as empty, not fatal
  CHECK(again.snapshot().empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("start journal: projects sharing a file keep their own sections") {
  const auto dir = std::filesystem::temp_directory_path() / ("boss-journal2-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / ".boss-state";
  StartJournal a(file, "a"), b(file, "b");
  a.load();
  b.load();
  a.mark("db", {"c1", "post_start"});
  b.load();  // b reads after a wrote
  b.mark("db", {"c9", "ping"});
  b.clear("db");  // b finishing must not drop a's record
  StartJournal again(file, "a");
  again.load();
  CHECK(again.pending("db") == PendingStart{"c1", "post_start"});
  again.remove_file();
  CHECK_FALSE(std::filesystem::exists(file));
  std::filesystem::remove_all(dir);
}
