// The per-project lock as an flock on a file named after the project (identity on the
// engine is the project name, not the services file), released by the kernel when boss
// exits, however it exits.
#pragma once

#include "core/locker.h"

namespace boss {

class FileProjectLocker : public ProjectLocker {
 public:
  // Throws FatalError if the lock file cannot be opened.
  std::unique_ptr<Held> lock(const std::string& project, const std::function<void()>& on_wait,
                             const Cancel& cancel) override;
};

}  // namespace boss
