// `--progress json`: every event as one JSON object on its own line of stdout (schema in
// README.md, "Machine-readable output"). Each line is written and flushed whole, so a
// reader sees it as soon as it happens. Trace objects only with -v.
#pragma once

#include <cstdio>
#include <mutex>

#include "ui/renderer.h"

namespace boss {

class JsonRenderer : public Renderer {
 public:
  JsonRenderer(std::FILE* out, bool verbose) : m_out(out), m_verbose(verbose) {}
  void emit(const Event& event) override;
  void finish() override;

 private:
  std::FILE* m_out;
  bool m_verbose;
  std::mutex m_mutex;  // keeps lines whole
};

}  // namespace boss
