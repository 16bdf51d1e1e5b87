// Replicas: a service with `instances = N` runs N containers, numbered 1..N. Each carries
// its number in the boss.instance label; a container without one (made before replicas
// existed, or by a single-container service) is instance 1.
//
// Two numbers, one rule each:
//  - the instance *number* (1..N) is what labels, hooks (self.instance) and journal
//    entries of several containers use;
//  - the instance *shown* is what events, outcomes, status rows and log lines carry:
//    the number when the service has several containers, 0 for a single container, so
//    that a service with one container reads exactly as it did before replicas.
#pragma once

#include <string>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

// The boss.instance label, or 1 when absent or not a positive number.
int instance_of(const Labels& labels);
// `number` when `spec` runs several instances or `number` is above 1 (a leftover of a
// larger N), else 0.
int shown_instance(int instances, int number);
inline int shown_instance(const ServiceSpec& spec, int number) { return shown_instance(spec.instances, number); }
// The number of a shown instance: 0 (a single container) is instance 1.
inline int instance_number(int shown) { return shown > 0 ? shown : 1; }
// "<service>" for a single container, "<service>-<i>": the name it answers to on the
// project network besides "<service>", and its hostname.
std::string instance_host(const std::string& service, int shown);
// Where the start journal keeps an instance: "<service>" for a single container,
// "<service>#<i>" (never a service name) otherwise.
std::string instance_key(const std::string& service, int shown);

}  // namespace boss
