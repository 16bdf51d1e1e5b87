// Everything a command works with, bundled so functions take one argument instead of six.
#pragma once

#include <atomic>

#include "core/context_store.h"
#include "core/hooks.h"
#include "core/project.h"
#include "core/reporter.h"
#include "core/start_journal.h"
#include "core/engine.h"

namespace boss {

struct Session {
  const Project& project;
  Engine& engine;
  Hooks& hooks;
  ContextStore& context;
  Reporter& reporter;
  const std::atomic<bool>& cancel;  // set on Ctrl-C: begin no new work
  StartJournal& journal;            // starts that have not finished yet
};

}  // namespace boss
