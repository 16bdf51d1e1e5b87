// What a burst of file changes asks `boss watch` to do: a pure decision, made from the
// project and the paths that changed (src/cli/watch_command.h acts on it).
//
// Rules, for each path:
//  - services.lua itself: read it again and re-plan (nothing else; it is never a build's
//    or a sync's change, even inside a build context);
//  - anything in a `.git` folder or in the project's `.boss` state folder: nothing;
//  - under a sync rule's `path` of a watched service (and not in its `ignore`): copy it
//    into that service's containers (the first rule of the service that covers it; a
//    path a sync rule covers never rebuilds that service);
//  - else under a watched service's `build_from_directory` and not excluded by its
//    .dockerignore (its Dockerfile and .dockerignore always count): rebuild that service.
// A path may do several things for several services.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/project.h"

namespace boss {

// Whether a path (relative, '/'-separated) is left out: for builds by the service's
// .dockerignore, for syncs by the rule's `ignore` patterns.
struct WatchIgnores {
  std::function<bool(const ServiceSpec& service, const std::string& relative)> build;
  std::function<bool(const SyncRule& rule, const std::string& relative)> sync;
};

struct SyncCopy {
  std::string service;
  std::size_t rule = 0;  // index into the service's `watch`
  // The host paths changed under the rule's path, sorted; those that no longer exist are
  // deleted in the container.
  std::vector<std::filesystem::path> paths;
  bool operator==(const SyncCopy&) const = default;
};

struct WatchWork {
  bool reread = false;                // services.lua changed
  std::vector<std::string> rebuild;   // in the project's order
  std::vector<SyncCopy> sync;         // in the project's order, then the rules'
  bool empty() const { return !reread && rebuild.empty() && sync.empty(); }
};

// Debouncing: changes are gathered until none came for `quiet` (an editor's save is a
// burst of writes, renames and attribute changes; a `git checkout` many), then acted on
// as one batch.
class ChangeBatch {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ChangeBatch(Clock::duration quiet) : m_quiet(quiet) {}
  void add(const std::vector<std::filesystem::path>& paths, Clock::time_point now);
  // Something was added and nothing more for `quiet`.
  bool ready(Clock::time_point now) const { return !m_paths.empty() && now - m_last >= m_quiet; }
  bool empty() const { return m_paths.empty(); }
  // When the batch is ready if nothing more comes (meaningful when not empty).
  Clock::time_point due() const { return m_last + m_quiet; }
  // The paths gathered, sorted, each once; the batch is empty again.
  std::vector<std::filesystem::path> take();

 private:
  Clock::duration m_quiet;
  Clock::time_point m_last{};
  std::set<std::filesystem::path> m_paths;
};

// `watched`: the services whose folders are watched. Paths are absolute and normal.
WatchWork decide_watch_work(const Project& project, const std::set<std::string>& watched,
                            const std::vector<std::filesystem::path>& changed, const WatchIgnores& ignores);

// Where `path`, under `rule.path` (or the rule's file itself), goes in the container.
std::string sync_target(const SyncRule& rule, const std::filesystem::path& path);

// True when `path` is `dir` or below it (both absolute and normal).
bool path_within(const std::filesystem::path& dir, const std::filesystem::path& path);

}  // namespace boss
