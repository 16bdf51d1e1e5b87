#include "cli/watch_sync.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "core/cancel.h"
#include "core/errors.h"
#include "testing/fake_engine.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

struct SyncFixture {
  fs::path dir = fs::temp_directory_path() / ("boss-sync-test-" + std::to_string(::getpid()));
  testing::FakeEngine engine;
  Cancel cancel;
  std::string id;
  std::vector<std::vector<std::string>> execs;
  SyncFixture() {
    fs::create_directories(dir / "site/sub");
    std::ofstream(dir / "site/page.txt") << "page\n";
    std::ofstream(dir / "site/sub/new.txt") << "new\n";
    ContainerSpec spec;
    spec.name = "demo-web";
    spec.image = "busybox";
    id = engine.add_container(spec, "running");
    engine.exec_handler = [this](const testing::FakeEngine::Container&, const std::vector<std::string>& argv) {
      execs.push_back(argv);
      return ExecResult{argv.back() == "/www/locked" ? 1 : 0, ""};
    };
  }
  ~SyncFixture() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  SyncRule rule() const { return SyncRule{(dir / "site").string(), "/www", false, {}}; }
};

}  // namespace

TEST_CASE("watch sync: present files go in one tar unpacked at /, deleted ones are removed with rm -rf") {
  SyncFixture f;
  const auto done = sync_into(f.engine, {f.id}, f.rule(),
                              {f.dir / "site/gone.txt", f.dir / "site/page.txt", f.dir / "site/sub/new.txt"}, f.cancel);
  CHECK(done.copied == 2);
  CHECK(done.deleted == 1);
  CHECK(done.containers == 1);
  REQUIRE(f.engine.archives.size() == 1);
  CHECK(f.engine.archives[0].find("www/page.txt") != std::string::npos);
  CHECK(f.engine.archives[0].find("www/sub/new.txt") != std::string::npos);
  CHECK(f.engine.archives[0].find("page\n") != std::string::npos);
  const auto calls = f.engine.calls();
  CHECK(std::find(calls.begin(), calls.end(), "put_archive " + f.id + " /") != calls.end());
  CHECK(f.execs == std::vector<std::vector<std::string>>{{"rm", "-rf", "--", "/www/gone.txt"}});
}

TEST_CASE("watch sync: nothing deleted runs no rm; no container copies nothing; a failed rm is one line") {
  SyncFixture f;
  sync_into(f.engine, {f.id}, f.rule(), {f.dir / "site/page.txt"}, f.cancel);
  CHECK(f.execs.empty());
  const auto none = sync_into(f.engine, {}, f.rule(), {f.dir / "site/page.txt"}, f.cancel);
  CHECK(none.containers == 0);
  CHECK(f.engine.archives.size() == 1);
  CHECK_THROWS_WITH_AS(sync_into(f.engine, {f.id}, f.rule(), {f.dir / "site/locked"}, f.cancel),
                       ("cannot delete /www/locked in container " + f.id.substr(0, 12) + ": rm exited with 1").c_str(),
                       EngineError);
}
