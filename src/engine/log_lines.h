// Turns the payloads of a container's log stream (GET /containers/{id}/logs with
// timestamps=1, demultiplexed) into whole LogLines.
//
// The engine writes each log message as "<RFC 3339 timestamp> <text>": one frame per
// message in a multiplexed stream, one after another in a TTY's raw stream. A message
// without a final newline (a partial write the log driver split) is continued by the next
// message of the same stream, whose timestamp is dropped: a line keeps the timestamp of
// its first part. stdout and stderr are joined separately. "\r\n" ends a line like "\n".
//
// Built for chatty containers: a line is assembled in a buffer that is reused, so
// delivering it costs one copy of its bytes and no allocation once the buffers have grown.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/engine.h"

namespace boss {

class LogLineAssembler {
 public:
  // `on_line` gets each line, completed, on the thread that calls feed() or finish().
  explicit LogLineAssembler(LogLineFn on_line) : m_on_line(std::move(on_line)) {}

  // Bytes of `stream`, in order; `message_start` when they begin a message (a frame).
  void feed(LogLine::Stream stream, std::string_view bytes, bool message_start);
  // The log ended: lines still open are delivered as they are, in the order they began.
  void finish();

 private:
  struct Pending {
    LogLine line;
    bool in_timestamp = true;    // the next bytes are a timestamp, up to its space
    bool has_timestamp = false;  // the line's timestamp is complete: later ones are a continuation's
    bool open = false;           // something of the line has arrived
    std::uint64_t order = 0;     // when it opened, to finish() lines in order
  };
  void deliver(Pending& pending);

  LogLineFn m_on_line;
  Pending m_pending[2];  // indexed by LogLine::Stream
  std::uint64_t m_opened = 0;
};

}  // namespace boss
