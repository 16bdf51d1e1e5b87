// `--progress plain`: one line per change, for logs, CI and pipes.
//   "web    creating container (no container)"    a step, with its detail when it is new
//   "web    > seeded 3 users"                     boss.log from a hook
//   "web    | Step 2/5 : RUN make"                a build line; a pull layer's new status
//   "web    still waiting (12 s of 300 s): ping returned false"
//   "boss: warning: ..."                          on stderr
// then the summary. Byte counts of a pull are never printed, only a layer's status
// changes. Queued services print nothing until they begin.
#pragma once

#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "ui/label_column.h"
#include "ui/renderer.h"

namespace boss {

class PlainRenderer : public Renderer {
 public:
  PlainRenderer(std::FILE* out, std::FILE* err, bool verbose) : m_out(out), m_err(err), m_verbose(verbose) {}
  void emit(const Event& event) override;
  void finish() override;

 private:
  void on(const OperationEvent& e);
  void on(const ServiceEvent& e);
  void on(const ProgressEvent& e);
  void on(const StillWaitingEvent& e);
  void on(const HookOutputEvent& e);
  void on(const WarningEvent& e);
  void on(const TraceEvent& e);
  void on(const SummaryEvent& e);
  void on(const WatchEvent& e);
  void on(const ScheduleEvent& e);
  void line(std::FILE* stream, const std::string& text);

  std::FILE* m_out;
  std::FILE* m_err;
  bool m_verbose;
  std::mutex m_mutex;  // guards everything below and keeps lines whole
  LabelColumn m_column;
  std::map<std::string, std::string> m_reason_shown;  // label -> the reason last printed
  std::map<std::string, std::map<std::string, std::string>> m_layer_status;  // service -> layer -> status
};

}  // namespace boss
