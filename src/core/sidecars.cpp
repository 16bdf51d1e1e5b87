#include "core/sidecars.h"

#include <algorithm>
#include <set>

#include "core/errors.h"
#include "core/executor.h"
#include "core/one_off.h"
#include "core/validate.h"

namespace boss {
namespace {

std::string where(const ServiceSpec& s) {
  return (s.defined_at.empty() ? "" : s.defined_at + ": ") + "service '" + s.name + "'";
}

[[noreturn]] void refuse(const ServiceSpec& job, const std::string& why) {
  throw DefinitionError(where(job) + ": field 'sidecars': " + why);
}

}  // namespace

void separate_sidecars(Project& project) {
  std::set<std::string> named;
  for (const auto& s : project.services)
    for (const auto& name : s.sidecars) {
      const ServiceSpec* sidecar = project.find(name);
      if (sidecar == nullptr && project.find_sidecar(name) == nullptr) {
        const auto hint = did_you_mean(name, project.names());
        refuse(s, "no service named '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      if (sidecar && sidecar->is_job)
        refuse(s, "'" + name + "' is a job; a sidecar is a service that runs beside the job until it ends");
      if (sidecar) named.insert(name);
    }
  if (named.empty()) return;
  std::vector<ServiceSpec> services;
  for (auto& s : project.services)
    (named.count(s.name) ? project.sidecars : services).push_back(std::move(s));
  project.services = std::move(services);
  for (auto& job : project.services)
    for (const auto& name : job.sidecars)
      for (const auto& dep : project.find_sidecar(name)->dependencies)
        if (std::find(job.dependencies.begin(), job.dependencies.end(), dep) == job.dependencies.end())
          job.dependencies.push_back(dep);
}

void validate_sidecars(const Project& project) {
  for (const auto& s : project.sidecars) {
    if (s.name.empty()) throw DefinitionError(where(s) + ": a sidecar needs a name (the one the job reaches it by)");
    if (!is_valid_service_name(s.name))
      throw DefinitionError(where(s) + ": name is not a valid sidecar name (letters, digits, '_', '.' and '-', at most 63, starting with a letter or digit)");
    if (s.image.empty()) throw DefinitionError(where(s) + ": field 'image' is missing");
    if (s.is_job) throw DefinitionError(where(s) + ": a sidecar cannot be a job (it runs beside one until it ends)");
    if (s.instances > 1)
      throw DefinitionError(where(s) + ": field 'instances': a sidecar runs one container beside each job run");
    if (const ServiceSpec* service = project.find(s.name))
      throw DefinitionError(where(s) + ": sidecar name taken by service '" + s.name + "' (" + service->defined_at + ")");
  }
  for (const auto& s : project.services) {
    if (!s.sidecars.empty() && !s.is_job)
      refuse(s, "only a job has sidecars (kind = \"job\", or a class of boss.Job)");
    std::set<std::string> seen;
    for (const auto& name : s.sidecars) {
      if (!project.find_sidecar(name)) refuse(s, "no sidecar named '" + name + "'");
      if (!seen.insert(name).second) refuse(s, "'" + name + "' is listed twice");
    }
    for (const auto& dep : s.dependencies)
      if (project.find_sidecar(dep))
        throw DefinitionError(where(s) + ": depends on '" + dep +
                              "', a sidecar: it runs only beside the jobs that name it in 'sidecars'");
  }
}

std::string sidecar_container_name(const Project& project, const std::string& job, const std::string& sidecar) {
  return project.container_name(job + "-" + sidecar);
}

ContainerSpec sidecar_container_spec(const Project& project, const std::string& job, const ServiceSpec& sidecar,
                                     const DesiredConfig& config) {
  ContainerSpec c = container_spec(project, sidecar, config);
  c.name = sidecar_container_name(project, job, sidecar.name);
  c.aliases = {sidecar.name};
  c.hostname = hostname_for(sidecar.name);
  c.restart = RestartPolicy{};
  c.labels = config.labels;
  c.labels.insert({{kLabelProject, project.name},
                   {kLabelService, sidecar.name},
                   {kLabelOneOff, "sidecar"},
                   {kLabelSidecarOf, job}});
  return c;
}

Labels sidecar_labels(const Project& project, const std::string& job) {
  return {{kLabelProject, project.name}, {kLabelSidecarOf, job}};
}

}  // namespace boss
