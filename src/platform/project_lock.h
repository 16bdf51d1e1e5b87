// One boss at a time per project: two concurrent `boss start`s of the same project would
// race to create the same network and containers. The lock is an flock on a file named
// after the project (identity on the engine is the project name, not the services file),
// released by the kernel when boss exits, however it exits.
#pragma once

#include <functional>
#include <string>

namespace boss {

class ProjectLock {
 public:
  // Blocks until the lock is held; calls `on_wait` once first if another run holds it.
  // Throws FatalError if the lock file cannot be opened.
  ProjectLock(const std::string& project, const std::function<void()>& on_wait);
  ~ProjectLock();
  ProjectLock(const ProjectLock&) = delete;
  ProjectLock& operator=(const ProjectLock&) = delete;

 private:
  int m_fd = -1;
};

}  // namespace boss
