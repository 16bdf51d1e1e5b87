#include "platform/project_lock.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/errors.h"

namespace boss {

ProjectLock::ProjectLock(const std::string& project, const std::function<void()>& on_wait) {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string dir = runtime && *runtime ? runtime : "/tmp";
  const std::string path = dir + "/boss-" + std::to_string(::getuid()) + "-" + project + ".lock";
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_fd < 0) throw FatalError("cannot open lock file '" + path + "': " + std::strerror(errno));
  if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) return;
  if (on_wait) on_wait();
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw FatalError("cannot lock '" + path + "': " + std::strerror(errno));
  }
}

ProjectLock::~ProjectLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace boss
