#include "engine/build_context.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "core/errors.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device random;
    path = fs::temp_directory_path() /
           ("boss-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  void write(const std::string& relative, const std::string& content) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative, std::ios::binary) << content;
  }
};

// Reads a tar back: path -> content ("<dir>" for directories, "-> target" for symlinks).
std::map<std::string, std::string> read_tar(const std::string& tar) {
  std::map<std::string, std::string> entries;
  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  REQUIRE(archive_read_open_memory(reader, tar.data(), tar.size()) == ARCHIVE_OK);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry);
    if (name.size() > 1 && name.back() == '/') name.pop_back();  // tar writes "dir/"
    CHECK(archive_entry_uid(entry) == 0);
    if (archive_entry_filetype(entry) == AE_IFDIR) {
      entries[name] = "<dir>";
    } else if (archive_entry_filetype(entry) == AE_IFLNK) {
      entries[name] = std::string("-> ") + archive_entry_symlink(entry);
    } else {
      std::string content(static_cast<size_t>(archive_entry_size(entry)), '\0');
      if (!content.empty()) archive_read_data(reader, content.data(), content.size());
      entries[name] = content;
    }
  }
  archive_read_free(reader);
  return entries;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: build context tar holds the directory tree") {
  TempDir dir;
  dir.write("Dockerfile", "FROM scratch\n");
  dir.write("app/main.sh", "echo hi\n");
  dir.write("app/empty", "");
  fs::create_symlink("main.sh", dir.path / "app/link");

  const auto entries = read_tar(make_build_context(dir.path, "Dockerfile"));
  CHECK(entries == std::map<std::string, std::string>{{"Dockerfile", "FROM scratch\n"},
                                                      {"app", "<dir>"},
                                                      {"app/empty", ""},
                                                      {"app/link", "-> main.sh"},
                                                      {"app/main.sh", "echo hi\n"}});
}

TEST_CASE("engine: build context honors .dockerignore") {
  TempDir dir;
  dir.write("Dockerfile", "FROM scratch\n");
  dir.write(".dockerignore", "# comment\n*.log\n/node_modules/\nsecrets\n**/*.tmp\n!keep.log\n"
                             "Dockerfile\n");
  dir.write("app.log", "x");
  dir.write("keep.log", "kept");
  dir.write("node_modules/pkg/index.js", "x");
  dir.write("secrets/key", "x");
  dir.write("src/a.tmp", "x");
  dir.write("b.tmp", "x");
  dir.write("src/logs/deep.log", "kept: '*' stays within one path element");
  dir.write("src/main.c", "int main;");

  const auto entries = read_tar(make_build_context(dir.path, "Dockerfile"));
  std::vector<std::string> names;
  for (const auto& [name, content] : entries) names.push_back(name);
  CHECK(names == std::vector<std::string>{".dockerignore", "Dockerfile", "keep.log", "src",
                                          "src/logs", "src/logs/deep.log", "src/main.c"});
}

TEST_CASE("engine: .dockerignore matching") {
  const DockerIgnore ignore = DockerIgnore::parse("build\n*.o\ndocs/**\n!docs/README.md\n");
  CHECK(ignore.excluded("build"));
  CHECK(ignore.excluded("build/out/bin"));
  CHECK(ignore.excluded("x.o"));
  CHECK_FALSE(ignore.excluded("src/x.o"));
  CHECK(ignore.excluded("docs/a/b.md"));
  CHECK_FALSE(ignore.excluded("docs/README.md"));
  CHECK_FALSE(ignore.excluded("src/build.c"));
  CHECK(ignore.has_exceptions());
  CHECK(DockerIgnore::parse("\n# only a comment\n").empty());
}

TEST_CASE("engine: build context errors name the path") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(make_build_context(dir.path / "missing", "Dockerfile"),
                       ("build context directory '" + (dir.path / "missing").string() +
                        "' does not exist")
                           .c_str(),
                       EngineError);
  CHECK_THROWS_WITH_AS(
      make_build_context(dir.path, "Dockerfile.dev"),
      ("dockerfile '" + (dir.path / "Dockerfile.dev").string() + "' does not exist").c_str(),
      EngineError);
}

TEST_CASE("engine: a file tar holds exactly the files given, under their entry names") {
  TempDir dir;
  dir.write("src/a.txt", "one\n");
  dir.write("src/sub/b.txt", "two\n");
  dir.write("src/not-asked", "three\n");
  const auto entries = read_tar(make_file_tar({{dir.path / "src/a.txt", "/app/src/a.txt"},
                                               {dir.path / "src/sub/b.txt", "app/src/sub/b.txt"}}));
  CHECK(entries == std::map<std::string, std::string>{{"app/src/a.txt", "one\n"}, {"app/src/sub/b.txt", "two\n"}});
  CHECK_THROWS_WITH_AS(make_file_tar({{dir.path / "gone", "app/gone"}}),
                       ("copy: cannot read '" + (dir.path / "gone").string() + "'").c_str(), EngineError);
}

}  // TEST_SUITE
