// Events for the renderers' tests, built from typed fields with a fixed time.
#pragma once

#include <chrono>
#include <utility>

#include "core/events.h"

namespace boss::fixtures {

// 2026-12-02T10:52:47.123456Z
inline std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::microseconds(1796208767123456LL));
}

template <typename Body>
Event event(Body body) {
  return Event{fixed_time(), Event::Body(std::move(body))};
}

inline ServiceEvent service(const std::string& name, Phase phase, ActionKind action = ActionKind::create,
                            const std::string& reason = "", double elapsed = 0) {
  ServiceEvent e;
  e.service = name;
  e.phase = phase;
  e.action = action;
  e.reason = reason;
  e.elapsed = elapsed;
  return e;
}

inline ServiceOutcome outcome(const std::string& name, Phase status, ActionKind action, const std::string& reason,
                              double seconds = 0) {
  ServiceOutcome o;
  o.service = name;
  o.status = status;
  o.action = action;
  o.reason = reason;
  o.seconds = seconds;
  o.began = true;
  return o;
}

inline ProgressEvent pull(const std::string& name, const std::string& layer, const std::string& status,
                          std::int64_t current = 0, std::int64_t total = 0) {
  ProgressEvent e;
  e.service = name;
  e.progress.kind = ImageProgress::Kind::pull;
  e.progress.layer = layer;
  e.progress.status = status;
  e.progress.current = current;
  e.progress.total = total;
  return e;
}

inline ProgressEvent build_step(const std::string& name, const std::string& text, int step = 0, int steps = 0) {
  ProgressEvent e;
  e.service = name;
  e.progress.kind = ImageProgress::Kind::build;
  e.progress.text = text;
  e.progress.step = step;
  e.progress.steps = steps;
  return e;
}

// A start of db, web and api: db created (with ports), web failed, api skipped.
inline CommandResult mixed_result() {
  CommandResult r;
  r.command = "start";
  r.project = "todo";
  auto db = outcome("db", Phase::up, ActionKind::create, "no container", 1.2);
  db.ports = {{5432, "tcp", "0.0.0.0", 5433}, {5432, "tcp", "::", 5433}};
  db.container_id = "3f2a1b4c5d6e7f";
  auto cache = outcome("cache", Phase::kept, ActionKind::keep, "running, unchanged");
  cache.ports = {{6379, "tcp", "127.0.0.1", 32768}};
  auto web = outcome("web", Phase::failed, ActionKind::create, "ping timed out after 300 s", 300);
  web.exit_code = 3;
  web.logs = "listening\nfatal: no database";
  auto api = outcome("api", Phase::skipped, ActionKind::create, "dependency 'web' failed");
  api.cause = "web";
  api.began = false;
  r.outcomes = {db, cache, web, api};
  return r;
}

}  // namespace boss::fixtures
