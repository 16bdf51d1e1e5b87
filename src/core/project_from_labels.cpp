#include "core/project_from_labels.h"

#include <algorithm>
#include <map>

#include "core/instances.h"
#include "core/one_off.h"

namespace boss {

Project project_from_labels(const std::string& name, const std::filesystem::path& file,
                            const std::vector<ContainerInfo>& containers) {
  Project project;
  project.name = name;
  project.file = file;
  project.dir = file.parent_path();
  std::map<std::string, ServiceSpec> services;  // sorted by name
  for (const auto& c : containers) {
    const auto service = c.labels.find(kLabelService);
    if (service == c.labels.end() || service->second.empty() || is_one_off(c.labels)) continue;
    ServiceSpec& spec = services[service->second];
    spec.name = service->second;
    spec.image = c.image;
    spec.defined_at = "container " + c.name;
    spec.instances = std::max(spec.instances, instance_of(c.labels));
    const auto deps = c.labels.find(kLabelDependencies);
    if (deps == c.labels.end() || !spec.dependencies.empty()) continue;
    std::size_t start = 0;
    while (start <= deps->second.size()) {
      const auto comma = deps->second.find(',', start);
      const std::string dep = deps->second.substr(start, comma - start);
      if (!dep.empty()) spec.dependencies.push_back(dep);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  for (auto& [service, spec] : services) project.services.push_back(std::move(spec));
  return project;
}

}  // namespace boss
