// AttachedStreams for FakeEngine: a scripted process whose output is queued up front and
// read in order; what is written to it is kept, and with `echo_stdin` it is also sent
// back as output once stdin is closed (as `cat` would). fd() is a real pipe, so code
// that polls it works unchanged.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/engine.h"

namespace boss::testing {

// What a scripted process does.
struct ScriptedProcess {
  std::string out;
  std::string err;
  int exit_code = 0;
  bool echo_stdin = false;  // stdin comes back on stdout when it ends
};

// What the process received, readable after the streams are gone.
struct ReceivedInput {
  std::mutex mutex;
  std::string stdin_bytes;
  bool stdin_closed = false;
};

class FakeAttachedStreams : public AttachedStreams {
 public:
  FakeAttachedStreams(const ScriptedProcess& process, std::shared_ptr<ReceivedInput> received);
  ~FakeAttachedStreams() override;

  int fd() const override { return m_pipe[0]; }
  bool read(const OutputFn& on_output) override;
  void write(std::string_view bytes) override;
  void close_stdin() override;

 private:
  void push(LogLine::Stream stream, std::string bytes);
  void end_output();

  ScriptedProcess m_process;
  std::shared_ptr<ReceivedInput> m_received;
  std::mutex m_mutex;
  std::deque<std::pair<LogLine::Stream, std::string>> m_pending;  // one pipe byte each
  int m_pipe[2] = {-1, -1};
};

}  // namespace boss::testing
