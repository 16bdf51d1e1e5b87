#include "platform/file_watcher.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "core/errors.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

struct TempTree {
  fs::path root;
  TempTree() {
    std::random_device random;
    root = fs::temp_directory_path() / ("boss-watch-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(root);
    root = fs::canonical(root);
  }
  ~TempTree() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  void write(const std::string& relative, const std::string& text = "x") const {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << text;
  }
};

// What the watcher reports within a second of the changes already made, gathered until a
// quiet 100 ms.
std::set<fs::path> changes(FileWatcher& watcher) {
  std::set<fs::path> out;
  for (auto batch = watcher.wait(std::chrono::milliseconds(1000)); !batch.empty();
       batch = watcher.wait(std::chrono::milliseconds(100)))
    out.insert(batch.begin(), batch.end());
  return out;
}

}  // namespace

TEST_CASE("file watcher: a tree reports writes, new folders and what they hold, deletes; skipped folders not") {
  TempTree t;
  t.write("src/a.txt");
  t.write("node_modules/big/x.js");
  FileWatcher watcher;
  watcher.watch_tree(t.root, [](const fs::path& relative) { return relative == "node_modules"; });
  CHECK(watcher.wait(std::chrono::milliseconds(10)).empty());

  t.write("src/a.txt", "changed");
  CHECK(changes(watcher).count(t.root / "src/a.txt"));

  t.write("node_modules/big/x.js", "changed");
  CHECK(changes(watcher).empty());

  fs::create_directories(t.root / "new/deeper");
  t.write("new/deeper/b.txt");
  const auto made = changes(watcher);
  CHECK(made.count(t.root / "new"));
  CHECK(made.count(t.root / "new/deeper/b.txt"));
  t.write("new/deeper/b.txt", "again");  // the new folder is watched now
  CHECK(changes(watcher).count(t.root / "new/deeper/b.txt"));

  fs::remove(t.root / "src/a.txt");
  CHECK(changes(watcher).count(t.root / "src/a.txt"));
}

TEST_CASE("file watcher: a single file is seen when an editor saves it by rename, its neighbours are not") {
  TempTree t;
  t.write("services.lua", "one");
  FileWatcher watcher;
  watcher.watch_file(t.root / "services.lua");
  t.write("other.txt");
  CHECK(changes(watcher).empty());
  t.write("services.lua.tmp", "two");
  fs::rename(t.root / "services.lua.tmp", t.root / "services.lua");
  CHECK(changes(watcher) == std::set<fs::path>{t.root / "services.lua"});
}

TEST_CASE("file watcher: a save is reported once it is written and closed, not while it is being written") {
  TempTree t;
  t.write("src/a.txt", "one");
  t.write("src/b.txt", "one");
  FileWatcher watcher;
  watcher.watch_tree(t.root, [](const fs::path&) { return false; });
  {
    std::ofstream save(t.root / "src/a.txt", std::ios::trunc);  // truncated: half a save
    save << "tw";
    save.flush();
    CHECK(watcher.wait(std::chrono::milliseconds(150)).empty());  // longer than boss watch's debounce
    save << "o";
  }
  CHECK(changes(watcher) == std::set<fs::path>{t.root / "src/a.txt"});
  {
    std::ofstream made(t.root / "src/new.txt");  // created, not yet written
    CHECK(watcher.wait(std::chrono::milliseconds(150)).empty());
    made << "new";
  }
  CHECK(changes(watcher) == std::set<fs::path>{t.root / "src/new.txt"});
}

TEST_CASE("file watcher: a missing folder is one line naming it") {
  TempTree t;
  FileWatcher watcher;
  CHECK_THROWS_WITH_AS(watcher.watch_tree(t.root / "nope"),
                       ("watch: cannot watch '" + (t.root / "nope").string() + "': no such folder").c_str(), FatalError);
}

TEST_CASE("file watcher: rewatch_tree with a new skip watches what it no longer skips, and stops watching the rest") {
  TempTree t;
  t.write("notes/a.txt");
  t.write("build/deep/b.txt");
  FileWatcher watcher;
  watcher.watch_tree(t.root, [](const fs::path& relative) { return relative == "notes"; });
  CHECK_FALSE(watcher.watching(t.root / "notes"));
  CHECK(watcher.watching(t.root / "build/deep"));

  // As after a .dockerignore edit from `notes/` to `build/`.
  watcher.rewatch_tree(t.root, [](const fs::path& relative) { return relative == "build"; });
  CHECK(watcher.wait(std::chrono::milliseconds(10)).empty());  // nothing reported for the re-walk
  CHECK(watcher.watching(t.root / "notes"));
  CHECK_FALSE(watcher.watching(t.root / "build"));
  CHECK_FALSE(watcher.watching(t.root / "build/deep"));
  CHECK(watcher.watching(t.root));

  t.write("notes/a.txt", "changed");
  t.write("build/deep/b.txt", "changed");
  const auto seen = changes(watcher);
  CHECK(seen.count(t.root / "notes/a.txt"));
  CHECK_FALSE(seen.count(t.root / "build/deep/b.txt"));

  // A folder that also holds a watched file stays watched for it.
  FileWatcher both;
  both.watch_tree(t.root / "build");
  both.watch_file(t.root / "build/deep/b.txt");
  both.rewatch_tree(t.root / "build", [](const fs::path& relative) { return relative == "deep"; });
  CHECK(both.watching(t.root / "build/deep"));
  t.write("build/deep/b.txt", "again");
  CHECK(changes(both).count(t.root / "build/deep/b.txt"));
}
