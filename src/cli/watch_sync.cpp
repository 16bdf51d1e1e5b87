#include "cli/watch_sync.h"

#include "core/errors.h"
#include "core/watch_changes.h"
#include "engine/build_context.h"

namespace boss {

namespace fs = std::filesystem;

SyncResult sync_into(Engine& engine, const std::vector<std::string>& containers, const SyncRule& rule,
                     const std::vector<fs::path>& paths, const Cancel& cancel) {
  std::vector<TarFile> present;
  std::vector<std::string> gone;
  for (const fs::path& path : paths) {
    std::error_code error;
    const std::string target = sync_target(rule, path);
    if (fs::symlink_status(path, error).type() == fs::file_type::not_found)
      gone.push_back(target);
    else
      present.push_back({path, target});  // entry names are the targets, unpacked at "/"
  }
  SyncResult result;
  result.containers = containers.size();
  result.copied = present.size();
  result.deleted = gone.size();
  if (containers.empty()) return result;
  const std::string tar = present.empty() ? std::string() : make_file_tar(present);
  std::vector<std::string> remove = {"rm", "-rf", "--"};
  remove.insert(remove.end(), gone.begin(), gone.end());
  for (const std::string& id : containers) {
    if (!tar.empty()) engine.put_archive(id, "/", tar);
    if (gone.empty()) continue;
    const ExecResult done = engine.exec(id, remove, cancel);
    if (done.exit_code != 0)
      throw EngineError("cannot delete " + gone.front() + (gone.size() > 1 ? " and others" : "") +
                            " in container " + id.substr(0, 12) + ": rm exited with " +
                            std::to_string(done.exit_code),
                        0);
  }
  return result;
}

}  // namespace boss
