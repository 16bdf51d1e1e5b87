#include "platform/file_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/errors.h"

namespace boss {

namespace fs = std::filesystem;

namespace {

// A file's save is its IN_CLOSE_WRITE (or IN_MOVED_TO, for editors that write a copy and
// rename it), never IN_MODIFY: a save that truncates and then writes gives several
// modifications, which a loaded machine can spread over more than the debounce, and the
// first of them shows an empty file (one save, two rebuilds; an empty file synced).
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                           IN_DELETE_SELF | IN_ONLYDIR;

// A file's IN_CREATE is followed by its IN_CLOSE_WRITE once written: only the second is a
// change. A folder's is one (it is watched from then on).
bool is_change(uint32_t mask) { return !(mask & IN_CREATE) || (mask & IN_ISDIR); }

bool is_folder(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(fs::symlink_status(path, error));
}

}  // namespace

FileWatcher::FileWatcher() : m_fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (m_fd < 0) throw FatalError(std::string("watch: cannot use inotify: ") + std::strerror(errno));
}

FileWatcher::FileWatcher(int inotify_fd) : m_fd(inotify_fd) {
  const int flags = ::fcntl(m_fd, F_GETFL);
  if (flags >= 0) ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
}

int FileWatcher::release() { return std::exchange(m_fd, -1); }

FileWatcher::~FileWatcher() {
  if (m_fd >= 0) ::close(m_fd);
}

int FileWatcher::add_folder(const fs::path& path) {
  if (const auto it = m_watched.find(path); it != m_watched.end()) return it->second;
  const int wd = inotify_add_watch(m_fd, path.c_str(), kMask);
  if (wd < 0) {
    const std::string reason = errno == ENOSPC ? "too many folders (raise fs.inotify.max_user_watches)"
                                               : std::strerror(errno);
    throw FatalError("watch: cannot watch '" + path.string() + "': " + reason);
  }
  m_watched[path] = wd;
  m_folders[wd].path = path;
  return wd;
}

bool FileWatcher::skipped(std::size_t tree, const fs::path& dir) const {
  const Tree& t = m_trees[tree];
  if (!t.skip || dir == t.root) return false;
  return t.skip(dir.lexically_relative(t.root));
}

void FileWatcher::add_tree_folder(std::size_t tree, const fs::path& dir, bool report, std::set<fs::path>& found,
                                  std::set<fs::path>* visited) {
  if (skipped(tree, dir)) return;
  m_folders[add_folder(dir)].trees.insert(tree);
  if (visited) visited->insert(dir);
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const fs::path child = it->path().lexically_normal();
    if (is_folder(child)) {
      add_tree_folder(tree, child, report, found, visited);
    } else if (report) {
      found.insert(child);
    }
  }
  if (report) found.insert(dir);
}

void FileWatcher::watch_tree(const fs::path& root, SkipFn skip) {
  const fs::path normal = fs::absolute(root).lexically_normal();
  if (!is_folder(normal)) {
    std::error_code error;
    if (!fs::exists(normal, error)) throw FatalError("watch: cannot watch '" + normal.string() + "': no such folder");
    watch_file(normal);
    return;
  }
  m_trees.push_back({normal, std::move(skip)});
  std::set<fs::path> ignored;
  add_tree_folder(m_trees.size() - 1, normal, false, ignored);
}

void FileWatcher::rewatch_tree(const fs::path& root, SkipFn skip) {
  const fs::path normal = fs::absolute(root).lexically_normal();
  const auto it = std::find_if(m_trees.begin(), m_trees.end(), [&](const Tree& t) { return t.root == normal; });
  if (it == m_trees.end()) {
    watch_tree(normal, std::move(skip));
    return;
  }
  const std::size_t tree = static_cast<std::size_t>(it - m_trees.begin());
  it->skip = std::move(skip);
  std::set<fs::path> ignored, kept;
  add_tree_folder(tree, normal, false, ignored, &kept);
  for (auto folder = m_folders.begin(); folder != m_folders.end();) {
    Folder& f = folder->second;
    if (!f.trees.count(tree) || kept.count(f.path)) {
      ++folder;
      continue;
    }
    f.trees.erase(tree);
    if (!f.trees.empty() || !f.files.empty()) {
      ++folder;
      continue;
    }
    inotify_rm_watch(m_fd, folder->first);  // its IN_IGNORED then finds no folder
    m_watched.erase(f.path);
    folder = m_folders.erase(folder);
  }
}

bool FileWatcher::watching(const fs::path& folder) const {
  return m_watched.count(fs::absolute(folder).lexically_normal()) > 0;
}

void FileWatcher::watch_file(const fs::path& file) {
  const fs::path normal = fs::absolute(file).lexically_normal();
  m_folders[add_folder(normal.parent_path())].files.insert(normal.filename().string());
}

void FileWatcher::read_events(std::set<fs::path>& found) {
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
    if (n <= 0) return;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      const auto it = m_folders.find(event->wd);
      if (it == m_folders.end()) {
        // A watch the process before an exec made and this one did not make again.
        if (!(event->mask & IN_IGNORED)) inotify_rm_watch(m_fd, event->wd);
        continue;
      }
      if (event->mask & (IN_IGNORED | IN_DELETE_SELF)) {
        if (event->mask & IN_IGNORED) {
          m_watched.erase(it->second.path);
          m_folders.erase(it);
        }
        continue;
      }
      if (event->len == 0) continue;
      const std::string name = event->name;
      const fs::path path = (it->second.path / name).lexically_normal();
      const Folder folder = it->second;  // add_tree_folder below may rehash m_folders
      if (!is_change(event->mask)) continue;
      if (!folder.trees.empty()) {
        found.insert(path);
        if ((event->mask & (IN_CREATE | IN_MOVED_TO)) && (event->mask & IN_ISDIR))
          for (const std::size_t tree : folder.trees) add_tree_folder(tree, path, true, found);
      } else if (folder.files.count(name)) {
        found.insert(path);
      }
    }
  }
}

std::vector<fs::path> FileWatcher::wait(std::chrono::milliseconds timeout) {
  pollfd descriptor{m_fd, POLLIN, 0};
  std::set<fs::path> found;
  if (::poll(&descriptor, 1, static_cast<int>(timeout.count())) > 0) read_events(found);
  return {found.begin(), found.end()};
}

}  // namespace boss
