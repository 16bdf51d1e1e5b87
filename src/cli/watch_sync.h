// A sync rule carried out (`boss watch`, core/watch_changes.h decides when): the files
// changed under the rule's path copied into each running container of the service with
// the engine's archive API (PUT /containers/{id}/archive, one tar per container), those
// deleted on the host deleted in it (`rm -rf` run in the container). No rebuild, no
// restart: the rule's `restart` is the caller's to honour.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

struct SyncResult {
  std::size_t copied = 0;      // files and folders copied, per container
  std::size_t deleted = 0;     // paths deleted, per container
  std::size_t containers = 0;  // running containers they went into
};

// `containers`: the ids of the service's running containers. Throws EngineError (a file
// that cannot be read, a container the engine refuses) naming what failed.
SyncResult sync_into(Engine& engine, const std::vector<std::string>& containers, const SyncRule& rule,
                     const std::vector<std::filesystem::path>& paths, const Cancel& cancel);

}  // namespace boss
