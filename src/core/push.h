// `boss push`: the images boss builds, pushed to the registries their `image` names.
//
// Only services with build_from_directory are pushed (their `image` is the tag), each
// image once; one that is missing locally is built first. Every image must name its
// registry ("host:5000/app:1"): a push never goes to Docker Hub by default.
#pragma once

#include <string>
#include <vector>

#include "core/operation.h"
#include "core/outcome.h"
#include "core/project.h"

namespace boss {

struct PushRequest {
  std::vector<std::string> services;  // empty: every service built from a directory
};

// The services to push, in declaration order. DefinitionError (nothing touched) for an
// unknown name (did-you-mean), a named service that is not built from a directory, an
// image that names no registry, or a project with nothing to push.
std::vector<std::string> select_for_push(const Project& project, const std::vector<std::string>& names);

// Pushes (building first when missing) each service's image with its credentials
// (Operation::registry_auth_for), reporting phases and per-layer progress; a failure
// fails that service only. After Ctrl-C the rest are left as interrupted.
CommandResult push_services(Operation& op, const std::vector<std::string>& services);

}  // namespace boss
