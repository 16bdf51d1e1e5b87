// Building Docker Engine API 1.41 request bodies and query values from engine.h's
// types. Pure functions, so they can be tested without an engine.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "core/engine.h"

namespace boss {

// The `filters` query value {"label":["k=v",...]}, URL-encoded; "" for no labels.
std::string label_filters_query(const Labels& labels);
// The `filters` query value of GET /events for containers carrying every label:
// {"type":["container"],"label":["k=v",...]}, URL-encoded.
std::string container_event_filters_query(const Labels& labels);

// "1767322045.123456789": a time as the `since` parameters of logs and events take it.
std::string since_query_value(std::chrono::system_clock::time_point time);

// The body of POST /containers/create. Empty fields of `spec` are left out so the
// image's defaults apply; host port 0 is sent as "" so the engine picks one.
nlohmann::json container_create_body(const ContainerSpec& spec);

// Config.Healthcheck of a create body: times in nanoseconds; {"Test":["NONE"]} for a
// disabled check. StartInterval is API 1.44+: older engines ignore it.
nlohmann::json healthcheck_body(const HealthCheck& check);

// The body of POST /networks/create: a labelled user-defined bridge.
nlohmann::json network_create_body(const std::string& name, const Labels& labels);

}  // namespace boss
