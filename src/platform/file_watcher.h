// Changes to files, from the kernel's inotify (Linux only): what `boss watch` waits on.
//
// Folders are watched as trees: every folder below one is watched too, except those the
// tree's `skip` says to leave out (an ignored node_modules costs no watches), and a folder
// made inside a tree later is watched from then on, what it already holds reported as
// changed (a `mkdir -p a/b && touch a/b/c` is not missed). Single files are watched
// through their folder, by name, so an editor's save by rename is seen.
//
// Used from one thread. Paths reported are absolute and lexically normal; a folder that
// is both watched as a tree and holds a watched file is watched once.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace boss {

class FileWatcher {
 public:
  // `skip(relative)`: true for a folder (relative to the tree's root) not to watch.
  using SkipFn = std::function<bool(const std::filesystem::path& relative)>;

  // Throws FatalError when inotify cannot be had.
  FileWatcher();
  // Takes over an inotify descriptor another process (boss watch before its exec) used:
  // what is queued in it is read as this one's. Its folders must be watched again (the
  // kernel gives a folder watched before the same watch descriptor); events of those not
  // watched again are dropped, and their watches removed.
  explicit FileWatcher(int inotify_fd);
  ~FileWatcher();
  // The descriptor, which this watcher no longer closes (for a handover across exec).
  int release();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Watches `root` (a folder; a file is watched as watch_file does) and the folders below
  // it. Throws FatalError naming the folder when it cannot be watched (missing, or past
  // fs.inotify.max_user_watches).
  void watch_tree(const std::filesystem::path& root, SkipFn skip = {});
  // The tree at `root` (as given to watch_tree) is walked again with `skip`, which replaces
  // its old one: folders it no longer skips are watched from now on (what they hold is not
  // reported), and those it now skips are watched no more. For an edited .dockerignore.
  // Throws as watch_tree does; a root never watched as a tree is watched now.
  void rewatch_tree(const std::filesystem::path& root, SkipFn skip);
  // Whether `folder` is watched (for any tree or file): for tests.
  bool watching(const std::filesystem::path& folder) const;
  // Watches one file, which need not exist yet.
  void watch_file(const std::filesystem::path& file);

  // Waits up to `timeout` for changes and returns the paths that were written, made,
  // deleted or moved (from or to), each once, sorted; empty when nothing changed.
  std::vector<std::filesystem::path> wait(std::chrono::milliseconds timeout);

 private:
  struct Folder {
    std::filesystem::path path;
    std::set<std::size_t> trees;  // indexes into m_trees whose files it reports
    std::set<std::string> files;  // names watched one by one (watch_file)
  };
  struct Tree {
    std::filesystem::path root;
    SkipFn skip;
  };
  int add_folder(const std::filesystem::path& path);
  // Watches `dir` for tree `tree` and the folders below it; adds what it holds to `found`
  // when `report` (a folder made while watching).
  void add_tree_folder(std::size_t tree, const std::filesystem::path& dir, bool report,
                       std::set<std::filesystem::path>& found, std::set<std::filesystem::path>* visited = nullptr);
  bool skipped(std::size_t tree, const std::filesystem::path& dir) const;
  void read_events(std::set<std::filesystem::path>& found);

  int m_fd = -1;
  std::vector<Tree> m_trees;
  std::map<int, Folder> m_folders;             // by watch descriptor
  std::map<std::filesystem::path, int> m_watched;  // folder -> its watch descriptor
};

}  // namespace boss
