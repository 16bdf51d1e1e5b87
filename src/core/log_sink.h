// Where `boss logs` sends container output: ui/ renders it (aligned "name |" prefixes,
// colours on a terminal, or one JSON object per line).
#pragma once

#include <string>

#include "core/engine.h"

namespace boss {

class LogSink {
 public:
  virtual ~LogSink() = default;
  // One line of one container. Called from several threads at once (one per followed
  // container); lines of one container come in order. Must be cheap: a busy container
  // writes hundreds of thousands of lines a second.
  virtual void line(const std::string& service, int instance, const LogLine& line) = 0;
  // Called when nothing more will come for a while (every followed stream is idle):
  // a chance to flush buffered output.
  virtual void idle() {}
};

}  // namespace boss
