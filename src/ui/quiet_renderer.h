// `--progress quiet` (-q): nothing while things go well. Each failure as it happens, on
// stderr ("boss: service 'web' failed: ping timed out after 300 s"), warnings on
// stderr (a wait for another run's lock must not look like a hang), then the summary.
#pragma once

#include <cstdio>
#include <mutex>

#include "ui/renderer.h"

namespace boss {

class QuietRenderer : public Renderer {
 public:
  QuietRenderer(std::FILE* out, std::FILE* err, bool verbose) : m_out(out), m_err(err), m_verbose(verbose) {}
  void emit(const Event& event) override;
  void finish() override;

 private:
  std::FILE* m_out;
  std::FILE* m_err;
  bool m_verbose;
  std::mutex m_mutex;  // keeps lines whole
};

}  // namespace boss
