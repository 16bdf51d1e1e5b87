#include "core/plan.h"

#include <algorithm>
#include <set>

#include "core/template.h"

namespace boss {

Observed observe(Engine& engine, const Project& project) {
  Observed observed;
  const Labels project_label{{kLabelProject, project.name}};
  for (auto& c : engine.list_containers(project_label)) {
    const auto it = c.labels.find(kLabelService);
    const std::string service = it == c.labels.end() ? "" : it->second;
    if (project.find(service))
      observed.containers[service].push_back(std::move(c));
    else
      observed.orphans.push_back(std::move(c));
  }
  for (const auto& s : project.services) {
    if (observed.image_ids.count(s.image)) continue;
    const auto image = engine.inspect_image(s.image);
    observed.image_ids[s.image] = image ? image->id : "";
  }
  observed.networks = engine.list_networks(project_label);
  return observed;
}


namespace {

std::string label(const ContainerInfo& c, const char* key) {
  const auto it = c.labels.find(key);
  return it == c.labels.end() ? "" : it->second;
}

}  // namespace

bool only_stopped(const std::vector<ContainerInfo>& containers) {
  return !containers.empty() &&
         std::none_of(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); });
}

std::string forced_replacement(const ServiceSpec& spec, bool reload, bool network_gone,
                               const std::vector<ContainerInfo>& existing) {
  if (reload) return "reload";
  if (spec.always_start_new) return "always_start_new";
  if (network_gone && only_stopped(existing)) return "project network was gone";
  return "";
}

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

Decision decide(const ServiceSpec& spec, const std::vector<ContainerInfo>& existing,
                const std::optional<DesiredConfig>& desired, const std::string& unfilled_reason,
                bool force_new, const std::string& force_reason, const std::optional<PendingStart>& pending) {
  Decision d;
  d.service = spec.name;
  auto remove_all = [&] {
    for (const auto& c : existing) d.remove.push_back(c.id);
  };
  if (!desired) {
    d.kind = existing.empty() ? ActionKind::create : ActionKind::undecided;
    d.reason = existing.empty() ? "no container" : unfilled_reason;
    if (existing.empty()) return d;
    // Executed as a replacement: the key only gets its value from a hook run now.
    d.container_id = existing.front().id;
    remove_all();
    return d;
  }
  if (existing.empty()) {
    d.kind = ActionKind::create;
    d.reason = force_new ? force_reason : "no container";
    return d;
  }
  if (force_new) {
    d.kind = ActionKind::recreate;
    d.reason = force_reason;
    d.container_id = existing.front().id;
    remove_all();
    return d;
  }
  if (desired->image_id.empty()) {
    d.kind = ActionKind::recreate;
    d.reason = "image " + spec.image + " not present locally";
    d.container_id = existing.front().id;
    remove_all();
    return d;
  }
  // The best candidate to reuse: a matching running container, then a matching stopped
  // one. Every other container of the service is stale or a duplicate and goes.
  const std::string hash = desired->hash();
  const ContainerInfo* best = nullptr;
  for (const auto& c : existing) {
    if (label(c, kLabelConfigHash) != hash) continue;
    if (!best || (c.running() && !best->running())) best = &c;
  }
  if (best && pending && pending->container_id == best->id && pending->needs == "post_start") {
    // Created last time but never became ready: its hooks must all run again.
    d.kind = ActionKind::recreate;
    d.reason = "did not finish starting last time";
    d.container_id = best->id;
    remove_all();
    return d;
  }
  if (best) {
    for (const auto& c : existing)
      if (&c != best) d.remove.push_back(c.id);
    d.container_id = best->id;
    const bool unpinged = pending && pending->container_id == best->id;
    d.kind = best->running() && !unpinged ? ActionKind::keep : ActionKind::start;
    d.reason = unpinged && best->running() ? "running, not pinged since its restart"
               : best->running()           ? "running, unchanged"
                                           : best->state + ", unchanged";
    if (!d.remove.empty()) d.reason += "; removing " + std::to_string(d.remove.size()) + " stale container(s)";
    return d;
  }
  // Nothing matches: explain the difference against the most relevant container.
  const ContainerInfo* current = &existing.front();
  for (const auto& c : existing)
    if (c.running()) { current = &c; break; }
  nlohmann::json old_config;
  try {
    old_config = nlohmann::json::parse(label(*current, kLabelConfig));
  } catch (const nlohmann::json::exception&) {
    old_config = nullptr;
  }
  auto changes = describe_changes(old_config, *desired);
  if (changes.empty()) changes.push_back("configuration changed");
  d.kind = ActionKind::recreate;
  d.reason = join(changes, ", ");
  d.container_id = current->id;
  remove_all();
  return d;
}

std::vector<Decision> plan_start(const Project& project, const std::vector<std::string>& order,
                                 const Observed& observed, const std::map<std::string, std::string>& context,
                                 const std::map<std::string, PendingStart>& pending,
                                 const std::string& force_service) {
  static const std::vector<ContainerInfo> none;
  // Containers made for a network that is gone (docker network prune) cannot start again.
  const bool network_gone = std::none_of(observed.networks.begin(), observed.networks.end(),
                                         [&](const NetworkInfo& n) { return n.name == project.network_name(); });
  std::vector<Decision> plan;
  for (const auto& name : order) {
    const ServiceSpec& spec = *project.find(name);
    const auto containers_it = observed.containers.find(name);
    const auto& existing = containers_it == observed.containers.end() ? none : containers_it->second;
    const auto image_it = observed.image_ids.find(spec.image);
    const std::string image_id = image_it == observed.image_ids.end() ? "" : image_it->second;
    std::optional<DesiredConfig> desired;
    std::string unfilled;
    try {
      desired = desired_config(spec, image_id, context);
    } catch (const UnfilledTemplate& u) {
      unfilled = "context key '" + u.key + "' (" + u.field + ") not set yet";
    }
    const auto forced = forced_replacement(spec, name == force_service, network_gone, existing);
    const auto pending_it = pending.find(name);
    const auto pending_start =
        pending_it == pending.end() ? std::nullopt : std::optional<PendingStart>(pending_it->second);
    auto d = decide(spec, existing, desired, unfilled, !forced.empty(), forced, pending_start);
    if (d.new_container() && image_id.empty())
      d.reason += spec.build_from_directory.empty() ? " (will pull " + spec.image + ")"
                                                    : " (will build " + spec.image + ")";
    plan.push_back(std::move(d));
  }
  return plan;
}

std::string render_plan(const std::vector<Decision>& plan) {
  std::size_t kind_width = 0, name_width = 0;
  for (const auto& d : plan) {
    kind_width = std::max(kind_width, std::string(action_name(d.kind)).size());
    name_width = std::max(name_width, d.service.size());
  }
  std::string out;
  for (const auto& d : plan) {
    std::string kind = action_name(d.kind);
    out += kind + std::string(kind_width - kind.size() + 2, ' ') + d.service +
           std::string(name_width - d.service.size() + 2, ' ') + d.reason + "\n";
  }
  return out;
}

}  // namespace boss
