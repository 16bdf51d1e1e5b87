// An operation's progress, shown to people or machines. Core emits typed events; a
// Renderer draws them. make_renderer() builds the one the ProgressChoice names.
#pragma once

#include <cstdio>
#include <memory>

#include "core/events.h"
#include "ui/progress_mode.h"

namespace boss {

class Renderer : public EventSink {
 public:
  // emit() is thread-safe: events come from many threads at once.
  // Stops any background work, writes what is pending and flushes; the cursor is left at
  // the start of a fresh line. Call it once, when no more events will come.
  virtual void finish() = 0;
};

struct RendererOptions {
  std::FILE* out = stdout;  // progress, the summary, json lines
  std::FILE* err = stderr;  // warnings, failures in quiet mode, traces
  bool verbose = false;     // -v: show TraceEvents (stderr; json: "trace" objects)
};

std::unique_ptr<Renderer> make_renderer(const ProgressChoice& choice, const RendererOptions& options);

}  // namespace boss
