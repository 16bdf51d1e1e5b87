#include "testing/fake_attached.h"

#include <unistd.h>

#include "core/errors.h"

namespace boss::testing {

FakeAttachedStreams::FakeAttachedStreams(const ScriptedProcess& process, std::shared_ptr<ReceivedInput> received)
    : m_process(process), m_received(std::move(received)) {
  if (::pipe(m_pipe) != 0) throw FatalError("pipe failed");
  if (!m_process.out.empty()) push(LogLine::Stream::out, m_process.out);
  if (!m_process.err.empty()) push(LogLine::Stream::err, m_process.err);
  if (!m_process.echo_stdin) end_output();
}

FakeAttachedStreams::~FakeAttachedStreams() {
  for (const int fd : m_pipe)
    if (fd >= 0) ::close(fd);
}

void FakeAttachedStreams::push(LogLine::Stream stream, std::string bytes) {
  std::lock_guard lock(m_mutex);
  m_pending.emplace_back(stream, std::move(bytes));
  const char token = 1;
  if (::write(m_pipe[1], &token, 1) != 1) throw FatalError("pipe write failed");
}

void FakeAttachedStreams::end_output() {
  ::close(m_pipe[1]);
  m_pipe[1] = -1;
}

bool FakeAttachedStreams::read(const OutputFn& on_output) {
  char token = 0;
  if (::read(m_pipe[0], &token, 1) != 1) return false;
  std::pair<LogLine::Stream, std::string> next;
  {
    std::lock_guard lock(m_mutex);
    next = std::move(m_pending.front());
    m_pending.pop_front();
  }
  on_output(next.first, next.second);
  return true;
}

void FakeAttachedStreams::write(std::string_view bytes) {
  std::lock_guard lock(m_received->mutex);
  if (m_received->stdin_closed) throw EngineError("write after stdin was closed", 0);
  m_received->stdin_bytes.append(bytes);
}

void FakeAttachedStreams::close_stdin() {
  std::string echoed;
  {
    std::lock_guard lock(m_received->mutex);
    m_received->stdin_closed = true;
    echoed = m_received->stdin_bytes;
  }
  if (!m_process.echo_stdin || m_pipe[1] < 0) return;
  if (!echoed.empty()) push(LogLine::Stream::out, echoed);
  end_output();
}

}  // namespace boss::testing
