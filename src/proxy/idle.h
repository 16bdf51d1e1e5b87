// When `boss proxy` stops an on-demand service by itself (idle_timeout), and what such a
// stop takes with it. Pure: the starter (on_demand.h) keeps the uses, asks the engine
// what runs, and carries the decisions out.
//
// A service is in use while a request to it is being proxied (from its header to the
// last byte of its answer, however long a download takes) or a connection to it is
// open (an upgraded one); an idle keep-alive connection from a client is no use. Its
// last use is when the last one began or ended; before any, when the proxy began.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/project.h"

namespace boss {

using UseClock = std::chrono::steady_clock;

struct ServiceUse {
  int open = 0;                    // requests and connections being proxied to it now
  UseClock::time_point last_used;  // the last one began or ended
};
using ServiceUses = std::map<std::string, ServiceUse>;  // by on-demand service; missing: never used

// What a stop of `service` stops of `running` (`boss stop` stops dependents too): the
// service and its running dependents, transitively, in name order.
std::set<std::string> stopped_with(const Project& project, const std::string& service,
                                   const std::set<std::string>& running);

// Whether the proxy may stop `service` now: it and everything a stop would take with
// it are on-demand services that nothing is using.
bool stoppable(const Project& project, const ServiceUses& uses, const std::string& service,
               const std::set<std::string>& running);

// The running on-demand services with an idle_timeout whose stop takes only services
// idle at least their own idle_timeout at `now` (a dependency waits for its dependents
// to be idle), in name order. `since` stands in for the last use of one never used.
std::vector<std::string> idle_services(const Project& project, const ServiceUses& uses,
                                       const std::set<std::string>& running, UseClock::time_point now,
                                       UseClock::time_point since);

// The earliest time at which idle_services() could name a service, given what it knows
// now (time_point::max() when no service has an idle_timeout): the starter sleeps until then.
UseClock::time_point next_idle_check(const Project& project, const ServiceUses& uses, UseClock::time_point since);

}  // namespace boss
