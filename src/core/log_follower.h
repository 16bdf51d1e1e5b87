// `boss logs`: the output of a project's containers, merged, each line once, streamed
// as it comes (never a whole log in memory). With `follow`, it keeps going until
// cancelled, and picks up containers that start later (a replacement made by a reload,
// a start in another terminal, a restart of the same container) through the engine's
// event stream: a new container from its first line, a restarted one from the line
// after the last one shown.
#pragma once

#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/log_sink.h"
#include "core/project.h"

namespace boss {

struct LogsRequest {
  std::vector<std::string> services;  // empty: every service of the project
  bool follow = false;
  int tail = -1;      // per container: the last N lines first; -1 = all
  std::string since;  // UNIX time for the engine ("1700000000.5"); "" = from the start
};

// Returns when every log ended (without follow) or when `cancel` is requested. Engine
// failures of one container's stream are warnings; a failure to list the containers or
// to subscribe to events throws EngineError.
void follow_logs(Engine& engine, const Project& project, const LogsRequest& request, LogSink& sink,
                 EventSink& events, const Cancel& cancel);

}  // namespace boss
