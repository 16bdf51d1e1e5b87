#include "core/cleanup.h"

#include <set>

namespace boss {
namespace {

bool is_active(const ContainerInfo& c) {
  return c.running() || c.state == "paused" || c.state == "restarting";
}

}  // namespace

CleanupObserved observe_cleanup(Engine& engine, const Project& project, bool images, bool volumes) {
  CleanupObserved observed;
  const Labels project_label{{kLabelProject, project.name}};
  if (images || volumes) observed.all_containers = engine.list_containers({});
  if (images) observed.images = engine.list_images(project_label);
  if (volumes) observed.volumes = engine.list_volumes(project_label);
  return observed;
}

Plan plan_down(const Project& project, const std::vector<std::string>& services, const Observed& observed,
               const CleanupObserved& cleanup, bool volumes) {
  Plan plan = plan_stop(project, services, observed, /*remove=*/true, /*whole_project=*/true);
  plan.command = "down";
  if (volumes)
    for (const auto& v : cleanup.volumes) plan.remove_volumes.push_back(v.name);
  return plan;
}

Plan plan_prune(const Project& project, const Observed& observed, const CleanupObserved& cleanup, bool images,
                bool volumes) {
  Plan plan;
  plan.command = "prune";
  plan.project = project.name;
  std::set<std::string> pruned;
  for (const auto& c : observed.orphans)
    if (!is_active(c)) {
      plan.remove_orphans.push_back(c.name);
      pruned.insert(c.id);
    }
  for (const auto& c : observed.one_offs)
    if (!is_active(c)) {
      plan.remove_one_offs.push_back(c.name);
      pruned.insert(c.id);
    }
  // What the containers that stay use.
  std::set<std::string> used_images, used_volumes;
  for (const auto& c : cleanup.all_containers) {
    if (pruned.count(c.id)) continue;
    used_images.insert(c.image_id);
    used_volumes.insert(c.volumes.begin(), c.volumes.end());
  }
  if (images)
    for (const auto& image : cleanup.images) {
      if (used_images.count(image.id)) continue;
      // By tag, so the tags go with it; a dangling image by id.
      if (image.tags.empty()) plan.remove_images.push_back(image.id);
      for (const auto& tag : image.tags) plan.remove_images.push_back(tag);
    }
  if (volumes)
    for (const auto& v : cleanup.volumes)
      if (!used_volumes.count(v.name)) plan.remove_volumes.push_back(v.name);
  return plan;
}

}  // namespace boss
