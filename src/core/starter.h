// Starting services: each service, as soon as its dependencies are up, goes through
// image -> decide -> (pre_start, replace, create) or (start) -> ping -> post_start.
#pragma once

#include <string>
#include <vector>

#include "core/outcome.h"
#include "core/plan.h"
#include "core/session.h"

namespace boss {

struct StartOptions {
  std::vector<std::string> services;  // what to start; their dependencies must be included
  double ping_timeout = 300;          // seconds, per service, from its container's start
  std::string force_service;          // reload: this one always gets a new container
};

// Builds `spec`'s image from its build_from_directory, tagged as its image, reporting
// progress. Throws EngineError with the build's message.
void build_service_image(Session& session, const ServiceSpec& spec);

// Saves the context if it changed; a write failure is a warning (once per run), never a
// reason to lose the run's summary.
void save_context_or_warn(Session& session);

// Makes sure the project network exists (removing duplicates left by a race of two boss
// runs), then starts `options.services` in dependency order, concurrently where
// independent. Never throws for a service failure: those are in the outcomes (in
// `services` order).
CommandResult start_services(Session& session, const StartOptions& options, const Observed& observed);

}  // namespace boss
