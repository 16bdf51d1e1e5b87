#include "core/plan.h"

#include <algorithm>

#include "core/create_ahead.h"
#include "core/instances.h"
#include "core/one_off.h"
#include "core/template.h"

namespace boss {

const std::vector<ContainerInfo>& Observed::of(const std::string& service) const {
  static const std::vector<ContainerInfo> none;
  const auto it = containers.find(service);
  return it == containers.end() ? none : it->second;
}

std::vector<ContainerInfo> Observed::of(const std::string& service, int number) const {
  std::vector<ContainerInfo> out;
  for (const auto& c : of(service))
    if (instance_of(c.labels) == number) out.push_back(c);
  return out;
}

std::vector<int> Observed::instance_numbers(const std::string& service) const {
  std::set<int> numbers;
  for (const auto& c : of(service)) numbers.insert(instance_of(c.labels));
  return {numbers.begin(), numbers.end()};
}

bool Observed::network_present() const {
  return std::any_of(networks.begin(), networks.end(), [&](const NetworkInfo& n) { return n.name == network_name; });
}

Observed observe(Engine& engine, const Project& project, bool images) {
  Observed observed;
  observed.network_name = project.network_name();
  const Labels project_label{{kLabelProject, project.name}};
  for (auto& c : engine.list_containers(project_label)) {
    if (is_one_off(c.labels)) {  // boss run's: never the service's, never an orphan
      observed.one_offs.push_back(std::move(c));
      continue;
    }
    const auto it = c.labels.find(kLabelService);
    const std::string service = it == c.labels.end() ? "" : it->second;
    const ServiceSpec* spec = project.find(service);
    if (const auto t = c.labels.find(kLabelTemplate);
        !spec && t != c.labels.end() && project.find_template(t->second)) {
      observed.launched.push_back(std::move(c));
      continue;
    }
    if (spec && spec->is_job && c.state == "exited")
      if (const auto state = engine.inspect_container(c.id)) c.exit_code = state->exit_code;
    if (spec)
      observed.containers[service].push_back(std::move(c));
    else
      observed.orphans.push_back(std::move(c));
  }
  if (images) {
    for (const auto& s : project.services) {
      if (observed.image_ids.count(s.image)) continue;
      const auto image = engine.inspect_image(s.image);
      observed.image_ids[s.image] = image ? image->id : "";
    }
  }
  observed.networks = engine.list_networks(project_label);
  return observed;
}

namespace {

std::string label(const ContainerInfo& c, const char* key) {
  const auto it = c.labels.find(key);
  return it == c.labels.end() ? "" : it->second;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

bool only_stopped(const std::vector<ContainerInfo>& containers) {
  return !containers.empty() &&
         std::none_of(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); });
}

// The containers of instance `number`, stopped (those that run) and removed.
Decision remove_instance(const ServiceSpec& spec, int number, const Observed& observed, std::string reason) {
  Decision d;
  d.service = spec.name;
  d.instance = shown_instance(spec, number);
  d.kind = ActionKind::remove;
  d.reason = std::move(reason);
  for (const auto& c : observed.of(spec.name, number)) {
    if (c.running() || c.state == "paused" || c.state == "restarting") d.stop.push_back(c.id);
    d.remove.push_back(c.id);
  }
  return d;
}

// Instances above `instances` go, highest first.
void plan_scale_down(Plan& plan, const ServiceSpec& spec, const Observed& observed) {
  const auto numbers = observed.instance_numbers(spec.name);
  for (auto it = numbers.rbegin(); it != numbers.rend() && *it > spec.instances; ++it)
    plan.services.push_back(
        remove_instance(spec, *it, observed, "instances = " + std::to_string(spec.instances) + ": scaled down"));
}

}  // namespace

std::string forced_replacement(const ServiceSpec& spec, bool reload, bool network_present,
                               const std::vector<ContainerInfo>& existing) {
  if (reload) return "reload";
  auto engine_text = [](const std::string& name) { return name.empty() ? std::string("the usual engine") : "engine '" + name + "'"; };
  for (const auto& c : existing)
    if (c.engine && *c.engine != spec.engine)
      return "moved from " + engine_text(*c.engine) + " to " + engine_text(spec.engine);
  if (spec.always_start_new) return "always_start_new";
  if (!network_present && only_stopped(existing)) return "project network was gone";
  return "";
}

std::string describe_unfilled(const UnfilledTemplate& unfilled, const std::optional<std::string>& set_by) {
  std::string text = "context key '" + unfilled.key + "' is not set (used in " + unfilled.field + ")";
  if (set_by)
    text += "; it is set by " + *set_by + "'s hooks, which run only when " + *set_by +
            " gets a new container: run `boss reload " + *set_by + "`";
  else
    text += "; no hook of this project has set it yet (is the service that sets it excluded, or did it fail?)";
  return text;
}

namespace {

// A job's container that is done: it exited with success, and its start finished.
bool finished_with_success(const DecideInput& in, const ContainerInfo& c) {
  if (c.state != "exited" || !c.exit_code || !is_success(in.spec.job, *c.exit_code)) return false;
  return !(in.pending && in.pending->container_id == c.id);
}

// Why a job's container for the same definition runs again (it is not done).
std::string run_again_reason(const DecideInput& in, const ContainerInfo& c) {
  if (c.running()) return "running: waiting for it to end";
  if (in.rerun) return c.state + ", unchanged: running it anew";
  if (in.spec.has_did_run)
    return in.did_run ? "did_run returned false: running it again" : "did_run decides when its turn comes";
  if (!c.exit_code) return c.state + ", unchanged: running it again";
  if (in.pending && in.pending->container_id == c.id) return "its last run did not finish: running it again";
  return "exited " + std::to_string(*c.exit_code) + " last time: running it again";
}

}  // namespace

Decision decide(const DecideInput& in) {
  Decision d;
  d.service = in.spec.name;
  const auto& existing = in.existing;
  if (in.spec.is_job && !in.rerun && in.did_run && *in.did_run) {
    // did_run decides instead of the containers: nothing is touched.
    d.kind = ActionKind::keep;
    d.reason = "did_run returned true";
    if (!existing.empty()) d.container_id = existing.front().id;
    return d;
  }
  auto replace_all = [&](ActionKind kind, const std::string& reason, const ContainerInfo& current) {
    d.kind = kind;
    d.reason = reason;
    d.container_id = current.id;
    for (const auto& c : existing) d.remove.push_back(c.id);
    return d;
  };
  if (existing.empty()) {
    d.kind = ActionKind::create;
    d.reason = in.forced_reason.empty() ? "no container" : in.forced_reason;
    return d;
  }
  // Executed as a replacement: the key only gets its value from a hook that runs now.
  if (!in.desired) return replace_all(ActionKind::undecided, in.unfilled_reason, existing.front());
  if (!in.forced_reason.empty()) {
    const auto running = std::find_if(existing.begin(), existing.end(), [](const ContainerInfo& c) { return c.running(); });
    const bool start_first = in.new_first && running != existing.end() && can_start_first(in.spec);
    replace_all(ActionKind::recreate, in.forced_reason, start_first ? *running : existing.front());
    d.start_first = start_first;
    return d;
  }
  if (in.desired->image_id.empty())
    return replace_all(ActionKind::recreate, "image " + in.spec.image + " not present locally", existing.front());
  // The best candidate to reuse: a matching running container, then a matching stopped
  // one. Every other container of the service is stale or a duplicate and goes.
  const std::string hash = in.desired->hash();
  const ContainerInfo* best = nullptr;
  for (const auto& c : existing) {
    if (label(c, kLabelConfigHash) != hash) continue;
    if (!best || (c.running() && !best->running())) best = &c;
  }
  const auto& pending = in.pending;
  if (best && pending && pending->container_id == best->id && pending->needs == "post_start")
    // Created last time but never became ready: its hooks must all run again.
    return replace_all(ActionKind::recreate, "did not finish starting last time", *best);
  if (best && !in.spec.is_job && best->state == "created" && (in.spec.has_pre_start || in.spec.has_post_start))
    // Made but never started, and not in the journal (the engine made it, then died
    // before boss heard back): its post_start never ran, so its hooks must all run.
    return replace_all(ActionKind::recreate, "created but never started", *best);
  if (best) {
    for (const auto& c : existing)
      if (&c != best) d.remove.push_back(c.id);
    d.container_id = best->id;
    if (in.spec.is_job) {
      // Done for this definition: kept, and its dependents go on. Otherwise its
      // dependents wait for a run of it that ends now (a running one is waited for, a
      // finished one runs again).
      const bool judged_by_hook = in.spec.has_did_run;
      if (!in.rerun && !judged_by_hook && finished_with_success(in, *best)) {
        d.kind = ActionKind::keep;
        d.reason = "done: exited " + std::to_string(*best->exit_code) + " last time, unchanged";
      } else {
        d.kind = ActionKind::start;
        d.reason = run_again_reason(in, *best);
        d.running = best->running();
      }
      if (!d.remove.empty()) d.reason += "; removing " + std::to_string(d.remove.size()) + " stale container(s)";
      return d;
    }
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
    if (c.running()) {
      current = &c;
      break;
    }
  nlohmann::json old_config;
  try {
    old_config = nlohmann::json::parse(label(*current, kLabelConfig));
  } catch (const nlohmann::json::exception&) {
    old_config = nullptr;
  }
  auto changes = describe_changes(old_config, *in.desired);
  if (changes.empty()) changes.push_back("configuration changed");
  return replace_all(ActionKind::recreate, join(changes, ", "), *current);
}

bool can_start_first(const ServiceSpec& spec, std::string* why) {
  std::string reason;
  if (spec.is_job) {
    reason = "a job";
  } else {
    for (const auto& p : spec.ports)
      if (p.host_port != 0) {
        reason = "host port " + std::to_string(p.host_port) + " is fixed";
        break;
      }
    for (const auto& v : spec.volumes)
      if (reason.empty() && v.mode.find("ro") == std::string::npos) reason = "volume " + v.target + " is writable";
  }
  if (why) *why = reason;
  return reason.empty();
}

Plan plan_start(const StartPlanInput& in) {
  Plan plan;
  plan.command = "start";
  plan.project = in.project.name;
  plan.create_network = !in.observed.network_present();
  for (const auto& name : in.services) {
    const ServiceSpec& spec = *in.project.find(name);
    const auto image_it = in.observed.image_ids.find(spec.image);
    const bool rebuild = in.rebuild.count(name) > 0;
    const std::string image_id = image_it == in.observed.image_ids.end() || rebuild ? "" : image_it->second;
    std::optional<DesiredConfig> desired;
    std::string unfilled_reason;
    try {
      desired = desired_config(spec, image_id, in.context, in.secret_keys);
    } catch (const UnfilledTemplate& u) {
      unfilled_reason = describe_unfilled(u, in.set_by ? in.set_by(u.key) : std::nullopt);
    }
    for (int number = 1; number <= spec.instances; ++number) {
      const int shown = shown_instance(spec, number);
      const auto existing = in.observed.of(name, number);
      DecideInput input{spec, existing, desired, unfilled_reason, "", std::nullopt};
      input.rerun = in.rerun.count(name) > 0;
      input.new_first = in.new_first.count(name) > 0;
      input.forced_reason =
          forced_replacement(spec, in.forced.count(name) > 0, in.observed.network_present(), existing);
      const auto pending = in.pending.find(instance_key(name, shown));
      if (pending != in.pending.end()) input.pending = pending->second;
      Decision d = decide(input);
      d.instance = shown;
      if (image_id.empty()) {
        d.image = spec.build_from_directory.empty() ? Decision::Image::pull : Decision::Image::build;
        // Fetched first; the decision is made again once the image is there.
        if (rebuild && d.kind == ActionKind::recreate && d.reason.rfind("image ", 0) == 0) d.reason = "image rebuilt";
      }
      plan.services.push_back(std::move(d));
    }
    plan_scale_down(plan, spec, in.observed);
  }
  mark_create_ahead(plan, in.project);
  return plan;
}

Plan plan_stop(const Project& project, const std::vector<std::string>& services, const Observed& observed,
               bool remove, bool whole_project) {
  Plan plan;
  plan.command = "stop";
  plan.project = project.name;
  auto decide_stop = [&](const std::string& name, int shown, const std::vector<ContainerInfo>& containers) {
    Decision d;
    d.service = name;
    d.instance = shown;
    for (const auto& c : containers) {
      if (c.running() || c.state == "paused" || c.state == "restarting") d.stop.push_back(c.id);
      if (remove) d.remove.push_back(c.id);
    }
    if (remove && !d.remove.empty()) {
      d.kind = ActionKind::remove;
      d.reason = d.stop.empty() ? "not running" : "running";
    } else if (!d.stop.empty()) {
      d.kind = ActionKind::stop;
      d.reason = "running";
    } else {
      d.kind = ActionKind::none;
      d.reason = containers.empty() ? "no container" : "not running";
    }
    plan.services.push_back(std::move(d));
  };
  for (const auto& name : services) {
    const ServiceSpec& spec = *project.find(name);
    const auto numbers = observed.instance_numbers(name);
    if (numbers.empty()) decide_stop(name, 0, {});
    for (const int number : numbers) decide_stop(name, shown_instance(spec, number), observed.of(name, number));
  }
  // A launched container lives only as long as the project runs: a full stop removes it.
  if (whole_project)
    for (const auto& c : observed.launched) plan.remove_launched.push_back(c.name);
  if (remove && whole_project) {
    for (const auto& c : observed.orphans) plan.remove_orphans.push_back(c.name);
    for (const auto& c : observed.one_offs) plan.remove_one_offs.push_back(c.name);
    for (const auto& n : observed.networks) plan.remove_networks.push_back(n.name);
    plan.remove_state = true;
  }
  return plan;
}

Plan plan_restart(const Project& project, const std::vector<std::string>& services, const Observed& observed) {
  Plan plan;
  plan.command = "restart";
  plan.project = project.name;
  for (const auto& name : services) {
    Decision d;
    d.service = name;
    const auto& containers = observed.of(name);
    const auto running =
        std::find_if(containers.begin(), containers.end(), [](const ContainerInfo& c) { return c.running(); });
    if (running != containers.end()) {
      d.kind = ActionKind::restart;
      d.reason = "was running";
      d.container_id = running->id;
      d.stop.push_back(running->id);
    } else if (!containers.empty()) {
      d.kind = ActionKind::start;
      d.reason = "was " + containers.front().state;
      d.container_id = containers.front().id;
    } else {
      d.kind = ActionKind::none;
      d.reason = "no container";
    }
    plan.services.push_back(std::move(d));
  }
  return plan;
}

const char* step_name(StepKind kind) {
  switch (kind) {
    case StepKind::pre_start: return "pre_start";
    case StepKind::remove_old: return "remove_old";
    case StepKind::create: return "create";
    case StepKind::start: return "start";
    case StepKind::wait_ready: return "wait_ready";
    case StepKind::post_start: return "post_start";
    case StepKind::stop: return "stop";
    case StepKind::remove: return "remove";
    case StepKind::rename: return "rename";
  }
  return "?";
}

std::vector<Step> steps_for(const Decision& d, const ServiceSpec& spec) {
  std::vector<Step> steps;
  auto remove_old = [&] {
    for (const auto& id : d.remove) steps.push_back({StepKind::remove_old, id});
  };
  switch (d.kind) {
    case ActionKind::none:
      break;
    case ActionKind::keep:
      remove_old();
      break;
    case ActionKind::start:
      // A job's pre_start runs before every run of it, in a new container or its own;
      // not before waiting for a run already going.
      if (spec.is_job && spec.has_pre_start && !d.running) steps.push_back({StepKind::pre_start, ""});
      remove_old();
      steps.push_back({StepKind::start, d.container_id});
      steps.push_back({StepKind::wait_ready, d.container_id});
      break;
    case ActionKind::create:
    case ActionKind::recreate:
    case ActionKind::undecided:
      // pre_start first: it may set context its own service reads, and a failed one
      // leaves the old container running.
      if (spec.has_pre_start) steps.push_back({StepKind::pre_start, ""});
      if (d.start_first) {
        // Stale ones first (a `-next` a killed boss left, say); the running one only once
        // its replacement is ready.
        for (const auto& id : d.remove)
          if (id != d.container_id) steps.push_back({StepKind::remove_old, id});
      } else {
        remove_old();
      }
      steps.push_back({StepKind::create, ""});
      steps.push_back({StepKind::start, ""});
      steps.push_back({StepKind::wait_ready, ""});
      if (spec.has_post_start) steps.push_back({StepKind::post_start, ""});
      if (d.start_first) {
        // Up once ready: the old one steps aside and the new one takes its name, then
        // the old one goes (off the way to ready).
        steps.push_back({StepKind::rename, ""});
        steps.push_back({StepKind::remove_old, d.container_id});
      }
      break;
    case ActionKind::restart:
      steps.push_back({StepKind::stop, d.container_id});
      steps.push_back({StepKind::start, d.container_id});
      steps.push_back({StepKind::wait_ready, d.container_id});
      break;
    case ActionKind::stop:
    case ActionKind::remove:
      for (const auto& id : d.stop) steps.push_back({StepKind::stop, id});
      for (const auto& id : d.remove) steps.push_back({StepKind::remove, id});
      break;
    case ActionKind::push:
    case ActionKind::update:
      break;  // push and deploy are carried out by Runtime::push and run_deploy, never as steps
  }
  return steps;
}

}  // namespace boss
