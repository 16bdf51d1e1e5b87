#include "core/watch_changes.h"

#include <algorithm>
#include <map>

namespace boss {

namespace fs = std::filesystem;

bool path_within(const fs::path& dir, const fs::path& path) {
  const fs::path relative = path.lexically_relative(dir);
  return !relative.empty() && *relative.begin() != "..";
}

std::string sync_target(const SyncRule& rule, const fs::path& path) {
  const fs::path relative = path.lexically_relative(rule.path);
  if (relative.empty() || relative == ".") return rule.target;
  return (fs::path(rule.target) / relative).lexically_normal().generic_string();
}

namespace {

std::string relative_text(const fs::path& dir, const fs::path& path) {
  const std::string text = path.lexically_relative(dir).generic_string();
  return text == "." ? std::string() : text;
}

bool in_git_folder(const fs::path& path) {
  return std::any_of(path.begin(), path.end(), [](const fs::path& part) { return part == ".git"; });
}

}  // namespace

void ChangeBatch::add(const std::vector<fs::path>& paths, Clock::time_point now) {
  if (paths.empty()) return;
  m_paths.insert(paths.begin(), paths.end());
  m_last = now;
}

std::vector<fs::path> ChangeBatch::take() {
  std::vector<fs::path> out(m_paths.begin(), m_paths.end());
  m_paths.clear();
  return out;
}

WatchWork decide_watch_work(const Project& project, const std::set<std::string>& watched,
                            const std::vector<fs::path>& changed, const WatchIgnores& ignores) {
  WatchWork work;
  std::set<std::string> rebuild;
  std::map<std::pair<std::size_t, std::size_t>, std::set<fs::path>> copies;  // (service, rule) -> paths
  const fs::path state = project.dir / ".boss";
  for (const fs::path& path : changed) {
    if (path == project.file) {
      work.reread = true;
      continue;
    }
    if (in_git_folder(path) || path_within(state, path)) continue;
    for (std::size_t s = 0; s < project.services.size(); ++s) {
      const ServiceSpec& spec = project.services[s];
      if (!watched.count(spec.name)) continue;
      bool synced = false;
      for (std::size_t r = 0; r < spec.watch.size() && !synced; ++r) {
        const SyncRule& rule = spec.watch[r];
        if (path != fs::path(rule.path) && !path_within(rule.path, path)) continue;
        synced = true;  // covered: never a rebuild of this service, even when ignored
        if (ignores.sync && ignores.sync(rule, relative_text(rule.path, path))) continue;
        copies[{s, r}].insert(path);
      }
      if (synced || spec.build_from_directory.empty() || !path_within(spec.build_from_directory, path)) continue;
      const std::string relative = relative_text(spec.build_from_directory, path);
      const bool always = relative == fs::path(spec.dockerfile).lexically_normal().generic_string() ||
                          relative == ".dockerignore";
      if (relative.empty() || (!always && ignores.build && ignores.build(spec, relative))) continue;
      rebuild.insert(spec.name);
    }
  }
  for (const auto& spec : project.services)
    if (rebuild.count(spec.name)) work.rebuild.push_back(spec.name);
  for (const auto& [at, paths] : copies)
    work.sync.push_back({project.services[at.first].name, at.second, {paths.begin(), paths.end()}});
  return work;
}

}  // namespace boss
