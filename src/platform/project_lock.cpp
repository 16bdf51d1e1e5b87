#include "platform/project_lock.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>

#include "core/errors.h"

namespace boss {
namespace {

class HeldFile : public ProjectLocker::Held {
 public:
  explicit HeldFile(int fd) : m_fd(fd) {}
  ~HeldFile() override { ::close(m_fd); }

 private:
  int m_fd;
};

}  // namespace

std::unique_ptr<ProjectLocker::Held> FileProjectLocker::lock(const std::string& project,
                                                             const std::function<void()>& on_wait,
                                                             const Cancel& cancel) {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string dir = runtime && *runtime ? runtime : "/tmp";
  const std::string path = dir + "/boss-" + std::to_string(::getuid()) + "-" + project + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw FatalError("cannot open lock file '" + path + "': " + std::strerror(errno));
  auto held = std::make_unique<HeldFile>(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return held;
  if (on_wait) on_wait();
  // Polled rather than blocking, so that Ctrl-C while waiting is honoured.
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) throw FatalError("cannot lock '" + path + "': " + std::strerror(errno));
    if (cancel.sleep_for(std::chrono::milliseconds(50))) throw Interrupted("interrupted while waiting for the project lock");
  }
  return held;
}

}  // namespace boss
