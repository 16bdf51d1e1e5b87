#include "ui/event_json.h"

#include "ui/service_words.h"

namespace boss {

namespace {

void add_fields(Json& j, const OperationEvent& e) {
  j["command"] = e.command;
  j["project"] = e.project;
  j["services"] = e.services;
}

void add_fields(Json& j, const ServiceEvent& e) {
  // The fields an outcome has too, spelt the same as in the summary.
  Json fields = outcome_json(outcome_of(e));
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = std::move(it.value());
  if (!e.hook.empty()) j["hook"] = e.hook;
  if (!e.sidecar_of.empty()) j["sidecar_of"] = e.sidecar_of;
}

void add_fields(Json& j, const ProgressEvent& e) {
  const ImageProgress& p = e.progress;
  j["service"] = e.service;
  if (p.kind != ImageProgress::Kind::build) {
    j["kind"] = p.kind == ImageProgress::Kind::push ? "push" : "pull";
    if (!p.layer.empty()) j["layer"] = p.layer;
    j["status"] = p.status;
    if (p.current != 0 || p.total != 0) {
      j["current"] = p.current;
      j["total"] = p.total;
    }
  } else {
    j["kind"] = "build";
    j["text"] = p.text;
    if (p.step != 0) {
      j["step"] = p.step;
      j["steps"] = p.steps;
    }
  }
}

void add_fields(Json& j, const StillWaitingEvent& e) {
  j["service"] = e.service;
  if (e.instance != 0) j["instance"] = e.instance;
  j["waited"] = json_seconds(e.waited);
  j["timeout"] = json_seconds(e.timeout);
  j["last_result"] = e.last_result;
}

void add_fields(Json& j, const HookOutputEvent& e) {
  if (!e.service.empty()) j["service"] = e.service;
  if (e.instance != 0) j["instance"] = e.instance;
  j["text"] = e.text;
}

void add_fields(Json& j, const WarningEvent& e) { j["text"] = e.text; }

void add_fields(Json& j, const TraceEvent& e) { j["text"] = e.text; }

void add_fields(Json& j, const WatchEvent& e) {
  if (!e.service.empty()) j["service"] = e.service;
  j["text"] = e.text;
}

void add_fields(Json& j, const SummaryEvent& e) {
  const CommandResult& r = e.result;
  j["command"] = r.command;
  j["project"] = r.project;
  Json services = Json::array();
  for (const auto& o : r.outcomes) services.push_back(outcome_json(o));
  j["services"] = std::move(services);
  if (!r.removed.empty()) {
    Json removed = Json::array();
    for (const auto& item : r.removed) removed.push_back({{"kind", item.kind}, {"name", item.name}});
    j["removed"] = std::move(removed);
  }
  if (!r.error.empty()) j["error"] = r.error;
  j["interrupted"] = r.interrupted;
  j["exit_code"] = r.exit_code();
}

void add_fields(Json& j, const ScheduleEvent& e) {
  j["job"] = e.job;
  j["what"] = schedule_what_name(e.what);
  j["due"] = rfc3339_utc(e.due);
  if (e.what == ScheduleEvent::What::run || e.what == ScheduleEvent::What::catch_up) j["late"] = json_seconds(e.late);
}

const char* type_name(const Event::Body& body) {
  static const char* const kNames[] = {"operation",   "service", "progress", "still_waiting",
                                       "hook_output", "warning", "trace",    "summary",
                                       "watch",       "schedule"};
  static_assert(std::size(kNames) == std::variant_size_v<Event::Body>);
  return kNames[body.index()];
}

}  // namespace

Json event_json(const Event& event) {
  Json j;
  j["v"] = kJsonSchemaVersion;
  j["time"] = rfc3339_utc(event.time);
  j["type"] = type_name(event.body);
  std::visit([&](const auto& body) { add_fields(j, body); }, event.body);
  return j;
}

}  // namespace boss
