// What `down` and `prune` remove beyond the services' own containers, decided before
// anything is touched (the plan --dry-run shows):
//   down:  every container of the project (services, orphans, one-offs), the project network
//          and saved state, as `stop --remove` of the whole project; with `volumes`
//          also every named volume of the project.
//   prune: the project's orphan containers that are not running (an orphan is one whose
//          service is no longer defined) and its exited one-offs (`boss run --keep`'s); with
//          `images`, the images boss built for the project that no container on the
//          engine uses; with `volumes`, the project's named volumes that no container
//          uses. Running containers and what they use are never pruned.
// Named volumes go only when asked for (`--volumes`): never by stop --remove, nor by a
// plain down.
#pragma once

#include <string>
#include <vector>

#include "core/engine.h"
#include "core/plan.h"
#include "core/project.h"

namespace boss {

// What the engine holds that only down and prune look at.
struct CleanupObserved {
  std::vector<ContainerInfo> all_containers;  // every container on the engine (what uses images, volumes)
  std::vector<ImageSummary> images;           // labelled with the project (boss built them)
  std::vector<VolumeInfo> volumes;            // labelled with the project
};

// Lists what `images` and `volumes` ask for (and, for either, every container).
CleanupObserved observe_cleanup(Engine& engine, const Project& project, bool images, bool volumes);

// `services`: all of the project's, dependents first.
Plan plan_down(const Project& project, const std::vector<std::string>& services, const Observed& observed,
               const CleanupObserved& cleanup, bool volumes);

Plan plan_prune(const Project& project, const Observed& observed, const CleanupObserved& cleanup, bool images,
                bool volumes);

}  // namespace boss
