// Sidecars: helper containers a job names (`sidecars = { Redis, "cache" }`, copili's
// `sidecars`) that run beside each run of it. The rules of their definitions and of the
// containers made for them; sidecar_run.h runs them.
//
// A sidecar is defined like a service (a service class, or a copili container
// description) but is no service of the project: `Project::sidecars` holds it, nothing
// starts it on its own and nothing may depend on it. Each job that names it gets a
// container of its own, "<project>-<job>-<sidecar>", on the project network under the
// sidecar's name, labelled as a one-off (one_off.h: never a service's container, never an
// orphan; `down` and `prune` remove what a killed boss left) and with the job it serves.
#pragma once

#include <string>

#include "core/config.h"
#include "core/engine.h"
#include "core/project.h"

namespace boss {

// On a sidecar's container: the job it runs beside. Its kLabelOneOff is "sidecar".
inline constexpr const char* kLabelSidecarOf = "boss.sidecar-of";

// services.lua names sidecars by service: moves every service some job names in its
// `sidecars` from project.services to project.sidecars, and adds the sidecar's own
// dependencies to each job that names it (they start before the job, so before its
// sidecars). Throws DefinitionError naming the job and the field: an unknown name (with
// a did-you-mean), a job named as a sidecar.
void separate_sidecars(Project& project);

// The rest of the rules, for every reader (validate_project calls it): each name a job
// lists is one of project.sidecars, once; a sidecar is no job, runs one container, has a
// name and an image, and no service shares its name; no service depends on a sidecar.
// Throws DefinitionError.
void validate_sidecars(const Project& project);

// "<project>-<job>-<sidecar>".
std::string sidecar_container_name(const Project& project, const std::string& job, const std::string& sidecar);

// The container of `sidecar` beside `job`: the sidecar's definition (config), on the
// project network with the sidecar's name as alias and hostname, no restart policy (it
// lives as long as the job's run), labelled with the project, the sidecar (boss.service),
// kLabelOneOff = "sidecar" and kLabelSidecarOf = the job.
ContainerSpec sidecar_container_spec(const Project& project, const std::string& job, const ServiceSpec& sidecar,
                                     const DesiredConfig& config);

// The labels that find every sidecar container of `job` in `project`.
Labels sidecar_labels(const Project& project, const std::string& job);

}  // namespace boss
