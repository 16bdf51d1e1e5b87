#include "core/create_ahead.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/config.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/graph.h"
#include "core/instances.h"
#include "core/service_progress.h"

namespace boss {

namespace {

// At most this many ahead creates at once (each also takes a slot of its engine's gate):
// enough to keep them off the critical path, few enough not to crowd out the creates and
// starts of the services whose turn it is.
constexpr std::size_t kAheadWorkers = 4;

bool reads_context(const ServiceSpec& spec) {
  try {
    desired_config(spec, "", {}, {});
    return false;
  } catch (const UnfilledTemplate&) {
    return true;
  }
}

}  // namespace

bool can_create_ahead(const ServiceSpec& spec, const Decision& decision, bool waits_for_work) {
  if (decision.kind != ActionKind::create || !decision.container_id.empty() || !decision.remove.empty() ||
      decision.running)
    return false;
  if (spec.has_pre_start || spec.has_did_run || !waits_for_work) return false;
  return !reads_context(spec);
}

void mark_create_ahead(Plan& plan, const Project& project) {
  std::set<std::string> working;  // services this plan does something to (not just keeps)
  for (const auto& d : plan.services)
    if (d.kind != ActionKind::keep && d.kind != ActionKind::none) working.insert(d.service);
  const DependencyGraph graph(project);
  std::map<std::string, const ServiceSpec*> specs;
  for (const auto& s : project.services) specs.emplace(s.name, &s);
  // Whether a service waits, directly or through its dependencies, for one the plan works
  // on: remembered per service, so a layered graph costs its edges once (a closure per
  // service made a no-op start of layers-10x50 take 0.2 s of CPU; bench/README.md).
  std::map<std::string, bool> waits;
  std::function<bool(const std::string&)> waits_for_work = [&](const std::string& service) {
    if (const auto it = waits.find(service); it != waits.end()) return it->second;
    waits[service] = false;  // a cycle (refused by validation) ends here
    bool any = false;
    for (const auto& dep : graph.dependencies(service))
      if (dep != service && (working.count(dep) || waits_for_work(dep))) {
        any = true;
        break;
      }
    return waits[service] = any;
  };
  for (auto& d : plan.services) {
    const auto found = specs.find(d.service);
    if (found == specs.end()) continue;
    // A job's dependents are made only once it succeeded (a pipeline's contract, as
    // copili's: nothing of a later step exists while an earlier one runs or fails).
    bool after_job = false;
    for (const auto& dep : graph.dependencies(d.service))
      if (const auto s = specs.find(dep); s != specs.end() && s->second->is_job) after_job = true;
    d.create_ahead = !after_job && can_create_ahead(*found->second, d, !working.empty() && waits_for_work(d.service));
  }
}

AheadCreates::AheadCreates(Operation& op, ImageProvider& images, const std::vector<EngineGate*>& gates)
    : m_op(op), m_images(images), m_gates(gates) {}

AheadCreates::~AheadCreates() {
  for (auto& w : m_workers)
    if (w.joinable()) w.join();
}

void AheadCreates::start(const Plan& plan) {
  for (const auto& d : plan.services)
    if (d.create_ahead) m_items.push_back(Item{&d});
  const std::size_t workers = std::min(kAheadWorkers, m_items.size());
  for (std::size_t i = 0; i < workers; ++i) m_workers.emplace_back([this] { work(); });
}

void AheadCreates::work() {
  std::unique_lock lock(m_mutex);
  while (m_next < m_items.size() && !m_op.cancel.requested()) {
    Item& item = m_items[m_next++];
    if (item.state != State::queued) continue;  // its turn came first and took it
    item.state = State::creating;
    lock.unlock();
    create(item);
    lock.lock();
    m_changed.notify_all();
  }
}

void AheadCreates::create(Item& item) {
  const Decision& d = *item.decision;
  const ServiceSpec& spec = *m_op.project.find(d.service);
  std::string id;
  try {
    ServiceProgress progress(m_op.events, spec.name, d.kind, d.instance);
    const std::string image_id = m_images.ensure(spec, progress);
    const DesiredConfig config =
        desired_config(spec, image_id, m_op.context.text_snapshot(), m_op.context.secret_keys());
    EngineGate& gate = *m_gates[m_op.engine.engine_index(spec.name)];
    create_named_volumes(m_op, gate, config);
    const auto slot = gate.enter(m_op.cancel);
    id = m_op.engine.create_container(container_spec(m_op.project, spec, config, d.instance));
    // As a create in its turn does: if boss stops before it is ready, the next start
    // replaces it with all hooks instead of keeping it.
    m_op.journal.mark(instance_key(spec.name, d.instance), {id, "post_start"});
    m_op.trace("created " + instance_key(spec.name, d.instance) + " ahead: " + id.substr(0, 12) + " (config " +
               config.hash() + ")");
    std::lock_guard lock(m_mutex);
    item.container_id = id;
    item.config_hash = config.hash();
    item.state = State::created;
  } catch (...) {
    // Its turn creates it as usual, and says what fails then.
    m_op.trace("creating " + instance_key(spec.name, d.instance) + " ahead did not work; its turn creates it");
    std::lock_guard lock(m_mutex);
    if (!id.empty()) item.container_id = id;  // made, then the journal failed: removed by finish()
    item.state = id.empty() ? State::failed : State::created;
  }
}

std::optional<std::string> AheadCreates::take(const std::string& service, int instance,
                                              const std::string& config_hash) {
  std::unique_lock lock(m_mutex);
  auto it = std::find_if(m_items.begin(), m_items.end(), [&](const Item& i) {
    return i.decision->service == service && i.decision->instance == instance;
  });
  if (it == m_items.end()) return std::nullopt;
  Item& item = *it;
  if (item.state == State::queued) {
    // Not begun yet: its turn creates it, without waiting on other services' creates.
    item.state = State::taken;
    return std::nullopt;
  }
  m_changed.wait(lock, [&] { return item.state != State::creating; });
  if (item.state != State::created) return std::nullopt;
  item.state = State::taken;
  if (item.config_hash == config_hash) return item.container_id;
  // Its definition changed under it (it cannot, by can_create_ahead's rule; if it ever
  // does, the container made ahead is not the one wanted).
  const std::string stale = item.container_id;
  lock.unlock();
  remove_unused(service, instance, stale);
  return std::nullopt;
}

void AheadCreates::finish() {
  for (auto& w : m_workers)
    if (w.joinable()) w.join();
  for (auto& item : m_items)
    if (item.state == State::created) {
      item.state = State::taken;
      remove_unused(item.decision->service, item.decision->instance, item.container_id);
    }
}

void AheadCreates::remove_unused(const std::string& service, int instance, const std::string& id) {
  // Not through the gate: this also runs after Ctrl-C, when the gate lets nothing in.
  try {
    m_op.engine.remove_container(id);
    m_op.journal.clear(instance_key(service, instance));
    m_op.trace("removed " + instance_key(service, instance) + "'s container created ahead: " + id.substr(0, 12));
  } catch (const EngineError& e) {
    m_op.trace("could not remove " + instance_key(service, instance) + "'s container created ahead (" + id +
               "): " + e.what() + "; the next start replaces it");
  }
}

}  // namespace boss
