#include "ui/json_fields.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace boss {

std::string json_line(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

double json_seconds(double seconds) { return std::round(seconds * 1000) / 1000; }

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<microseconds>(time.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(since_epoch / 1000000);
  auto micros = since_epoch % 1000000;
  if (micros < 0) {  // before 1970: keep the fraction positive
    micros += 1000000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(micros));
  return text;
}

const char* action_id(ActionKind action) {
  switch (action) {
    case ActionKind::none: return "none";
    case ActionKind::keep: return "keep";
    case ActionKind::start: return "start";
    case ActionKind::create: return "create";
    case ActionKind::recreate: return "recreate";
    case ActionKind::undecided: return "undecided";
    case ActionKind::stop: return "stop";
    case ActionKind::remove: return "remove";
    case ActionKind::push: return "push";
    case ActionKind::restart: return "restart";
    case ActionKind::update: return "update";
  }
  return "none";
}

Json ports_json(const std::vector<PublishedPort>& ports) {
  Json list = Json::array();
  for (const auto& p : ports)
    list.push_back(
        {{"host_ip", p.host_ip}, {"host_port", p.host_port}, {"container_port", p.container_port}, {"protocol", p.protocol}});
  return list;
}

Json outcome_json(const ServiceOutcome& o) {
  Json j;
  j["service"] = o.service;
  if (o.instance != 0) j["instance"] = o.instance;
  j["state"] = phase_name(o.status);
  j["action"] = action_id(o.action);
  if (!o.reason.empty() || o.status == Phase::failed || o.status == Phase::skipped) j["reason"] = o.reason;
  if (!o.cause.empty()) j["cause"] = o.cause;
  if (!o.container_id.empty()) j["container"] = o.container_id;
  if (o.status == Phase::up || o.status == Phase::kept) j["ports"] = ports_json(o.ports);
  if (o.exit_code) j["exit_code"] = *o.exit_code;
  if (!o.logs.empty()) j["logs"] = o.logs;
  if (o.status == Phase::interrupted) j["began"] = o.began;
  if (o.killed) j["killed"] = true;
  if (o.attempts > 0) j["attempts"] = o.attempts;  // a job's
  if (!o.log_file.empty()) j["log_file"] = o.log_file;  // a job's last run's output
  j["elapsed"] = json_seconds(o.seconds);
  return j;
}

}  // namespace boss
