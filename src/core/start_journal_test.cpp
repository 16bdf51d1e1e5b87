#include "core/start_journal.h"

#include <doctest/doctest.h>

#include <fstream>
#include <unistd.h>

using namespace boss;

TEST_CASE("start journal: marks survive a reload of the file; an empty journal leaves no file") {
  const auto dir = std::filesystem::temp_directory_path() / ("boss-journal-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / ".boss-state";
  StartJournal journal(file);
  journal.load();
  CHECK(journal.snapshot().empty());
  journal.mark("db", {"c1", "post_start"});
  journal.mark("web", {"c2", "ping"});
  CHECK(std::filesystem::exists(file));
  StartJournal again(file);
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

TEST_CASE("start journal: the folder is made on the first mark") {
  const auto dir = std::filesystem::temp_directory_path() / ("boss-journal2-" + std::to_string(::getpid()));
  const auto file = dir / ".boss" / "a" / "journal.json";
  StartJournal journal(file);
  journal.load();
  journal.mark("db", {"c1", "post_start"});
  StartJournal again(file);
  again.load();
  CHECK(again.pending("db") == PendingStart{"c1", "post_start"});
  again.remove_file();
  CHECK_FALSE(std::filesystem::exists(file));
  std::filesystem::remove_all(dir);
}
