#include "ui/service_words.h"

#include <cstdio>
#include <ctime>

#include <cmath>

#include "ui/format.h"

namespace boss {

namespace {

// The past tense of an action that did something, or nullptr.
const char* done_verb(ActionKind action) {
  switch (action) {
    case ActionKind::create: return "created";
    case ActionKind::recreate: return "recreated";
    case ActionKind::start: return "started";
    case ActionKind::stop: return "stopped";
    case ActionKind::remove: return "removed";
    case ActionKind::restart: return "restarted";
    case ActionKind::update: return "updated";
    default: return nullptr;
  }
}

std::string with_detail(const std::string& word, const std::string& detail) {
  return detail.empty() ? word : word + " (" + detail + ")";
}

std::string with_reason(const std::string& word, const std::string& reason) {
  return reason.empty() ? word : word + ": " + reason;
}

// A job's runs: "exit 0, 2 attempts, 1.3 s".
std::string job_runs(const ServiceOutcome& o) {
  std::string text = o.exit_code ? "exit " + std::to_string(*o.exit_code) + ", " : "";
  text += std::to_string(o.attempts) + (o.attempts == 1 ? " attempt, " : " attempts, ");
  return text + format_seconds(o.seconds);
}

}  // namespace

std::string outcome_text(const ServiceOutcome& o) {
  const char* verb = done_verb(o.action);
  const std::string took = format_seconds(o.seconds);
  switch (o.status) {
    case Phase::up:
      if (o.attempts > 0) return "done (" + job_runs(o) + ")";
      if (verb) return "up (" + std::string(verb) + " in " + took + ")";
      return with_detail("up", o.reason);
    case Phase::kept:
      if (o.job) return "done (" + (o.reason.empty() ? std::string("ran before") : o.reason) + ")";
      return "up (" + (o.reason.empty() ? std::string("running, unchanged") : o.reason) + ")";
    case Phase::stopped:
      if (o.killed) return "stopped (killed after ignoring its stop signal)";
      if (o.action == ActionKind::stop || o.action == ActionKind::remove) return "stopped (in " + took + ")";
      return with_detail("stopped", o.reason);
    case Phase::removed:
      if (o.killed) return "removed (killed after ignoring its stop signal)";
      if (o.action == ActionKind::stop || o.action == ActionKind::remove) return "removed (in " + took + ")";
      return with_detail("removed", o.reason);
    case Phase::pushed:
      return "pushed " + o.reason + " (in " + took + ")";
    case Phase::failed:
      if (o.attempts > 0) return with_reason("failed", o.reason) + " (" + job_runs(o) + ")";
      return with_reason("failed", o.reason);
    case Phase::skipped:
      if (!o.cause.empty()) return "skipped: dependency '" + o.cause + "' failed";
      return with_reason("skipped", o.reason);
    case Phase::interrupted:
      // What was left, as core says it ("left running as it was"); never a guess.
      if (!o.began && o.reason.empty()) return "not started (interrupted)";
      return with_reason("interrupted", o.reason);
    default:
      return phase_name(o.status);
  }
}

std::string outcome_reason(const ServiceOutcome& o) {
  if (o.attempts > 0) return "";  // a job's runs say it all
  const bool done = o.status == Phase::up || o.status == Phase::stopped || o.status == Phase::removed;
  if (!done) return "";
  // Why it was recreated or restarted is worth a word; a create needs none.
  if (o.action == ActionKind::create) return "";
  return done_verb(o.action) || o.killed ? o.reason : "";
}

std::string phase_text(const ServiceEvent& e) {
  switch (e.phase) {
    case Phase::queued: return "queued";
    case Phase::pulling: return "pulling image";
    case Phase::building: return "building image";
    case Phase::hook: return "running " + (e.hook.empty() ? std::string("hook") : e.hook);
    case Phase::removing: return "removing old container";
    case Phase::creating: return "creating container";
    case Phase::starting: return "starting container";
    case Phase::waiting: return "waiting until ready";
    case Phase::stopping: return "stopping";
    case Phase::pushing: return "pushing image";
    default: break;
  }
  return outcome_text(outcome_of(e));
}

std::string event_label(const ServiceEvent& e) {
  if (!e.sidecar_of.empty()) return e.sidecar_of + "/" + e.service;
  return service_label(e.service, e.instance);
}

ServiceOutcome outcome_of(const ServiceEvent& e) {
  ServiceOutcome o;
  o.service = e.service;
  o.instance = e.instance;
  o.status = e.phase;
  o.action = e.action;
  o.reason = e.reason;
  o.container_id = e.container_id;
  o.ports = e.ports;
  o.exit_code = e.exit_code;
  o.attempts = e.attempts;
  o.job = e.job;
  o.began = true;
  o.seconds = e.elapsed;
  return o;
}

std::string still_waiting_text(const StillWaitingEvent& e) {
  auto whole = [](double s) { return std::to_string(static_cast<long long>(std::floor(s < 0 ? 0 : s))); };
  std::string text = "still waiting (" + whole(e.waited) + " s of " + whole(e.timeout) + " s)";
  return e.last_result.empty() ? text : text + ": " + e.last_result;
}

std::string decision_text(ActionKind action, const std::string& reason) {
  return with_reason(action_name(action), reason);
}

namespace {

// The due moment on the local wall clock, to the millisecond: "2026-12-07 10:00:02.000".
std::string local_moment(std::chrono::system_clock::time_point at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

}  // namespace

std::string schedule_text(const ScheduleEvent& event) {
  const std::string due = local_moment(event.due);
  const std::string late = std::to_string(static_cast<long long>(event.late * 1000 + 0.5)) + " ms late";
  switch (event.what) {
    case ScheduleEvent::What::next: return "next run at " + due;
    case ScheduleEvent::What::run: return "run (due " + due + ", " + late + ")";
    case ScheduleEvent::What::skip: return "skipped the run due " + due + ": its last run still runs (overlap = \"skip\")";
    case ScheduleEvent::What::queue: return "the run due " + due + " waits for its last run to end (overlap = \"queue\")";
    case ScheduleEvent::What::replace:
      return "stopping its last run for the one due " + due + " (overlap = \"replace\")";
    case ScheduleEvent::What::catch_up: return "catching up on the run missed at " + due + " (" + late + ")";
  }
  return due;
}

}  // namespace boss
