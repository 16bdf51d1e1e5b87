#include "core/sidecar_run.h"

#include "core/container_watch.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/plan.h"
#include "core/readiness.h"
#include "core/service_failure.h"
#include "core/service_progress.h"
#include "core/sidecars.h"

namespace boss {
namespace {

ServiceProgress progress_of(Operation& op, const ServiceSpec& job, const std::string& sidecar, ActionKind action) {
  ServiceProgress progress(op.events, sidecar, action);
  progress.set_sidecar_of(job.name);
  return progress;
}

std::string label(const Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

}  // namespace

SidecarRun::SidecarRun(Operation& op, const ServiceSpec& job, ImageProvider& images, EngineGate& gate,
                       double ping_timeout)
    : m_op(op), m_job(job), m_images(images), m_gate(gate), m_ping_timeout(ping_timeout) {}

SidecarRun::~SidecarRun() { remove(); }

void SidecarRun::start() {
  m_begun = true;
  remove();  // what an earlier run left: each run gets sidecars of its own
  m_removed = false;
  for (const auto& name : m_job.sidecars) {
    if (m_op.cancel.requested()) throw Interrupted("interrupted");
    const ServiceSpec* sidecar = m_op.project.find_sidecar(name);
    if (sidecar == nullptr) throw ServiceFailure{"sidecar '" + name + "' is not defined", "", std::nullopt};
    start_one(*sidecar);
  }
}

void SidecarRun::start_one(const ServiceSpec& sidecar) {
  ServiceProgress progress = progress_of(m_op, m_job, sidecar.name, ActionKind::create);
  const std::string what = "sidecar '" + sidecar.name + "': ";
  std::string id;
  try {
    const std::string image_id = m_images.ensure(sidecar, progress);
    DesiredConfig config;
    try {
      config = desired_config(sidecar, image_id, m_op.context.text_snapshot(), m_op.context.secret_keys());
    } catch (const UnfilledTemplate& u) {
      throw ServiceFailure{describe_unfilled(u, m_op.context.set_by(u.key)), "", std::nullopt};
    }
    const ContainerSpec spec = sidecar_container_spec(m_op.project, m_job.name, sidecar, config);
    progress.phase(Phase::creating, "beside job '" + m_job.name + "'");
    {
      const auto slot = m_gate.enter(m_op.cancel);
      id = m_op.engine.create_container(spec);
    }
    m_made.push_back({&sidecar, id});
    progress.set_container(id);
    progress.phase(Phase::starting);
    {
      const auto slot = m_gate.enter(m_op.cancel);
      if (m_op.watch) m_op.watch->starting(id);
      m_op.engine.start_container(id);
    }
    const std::string note = wait_until_ready(m_op, sidecar, id, m_ping_timeout, progress);
    progress.phase(Phase::up, note);
  } catch (const ServiceFailure& f) {
    progress.final(Phase::failed, f.reason, {}, f.exit_code);
    throw ServiceFailure{what + f.reason, "", std::nullopt};
  } catch (const EngineError& e) {
    progress.final(Phase::failed, e.what());
    throw ServiceFailure{what + e.what(), "", std::nullopt};
  } catch (const Interrupted&) {
    progress.final(Phase::interrupted, "interrupted; removed with the job's run");
    throw;
  }
}

void SidecarRun::remove() noexcept {
  if (m_removed || !m_begun) return;
  m_removed = true;
  std::vector<ContainerInfo> found;
  try {
    found = m_op.engine.list_containers(sidecar_labels(m_op.project, m_job.name));
  } catch (const EngineError& e) {
    // Those this run made are still known: remove them.
    m_op.warn("job '" + m_job.name + "': could not list its sidecars: " + e.what());
    for (const auto& made : m_made) {
      ContainerInfo c;
      c.id = made.id;
      c.labels[kLabelService] = made.spec->name;
      found.push_back(std::move(c));
    }
  }
  for (const auto& c : found) {
    const std::string name = label(c.labels, kLabelService);
    ServiceProgress progress = progress_of(m_op, m_job, name, ActionKind::remove);
    progress.set_container(c.id);
    const ServiceSpec* spec = m_op.project.find_sidecar(name);
    try {
      progress.phase(Phase::stopping, "job '" + m_job.name + "' ended");
      m_op.engine.stop_container(c.id, grace_for(ExecuteOptions{}, spec));
      m_op.engine.remove_container(c.id);
      progress.final(Phase::removed, "job '" + m_job.name + "' ended");
    } catch (const EngineError& e) {
      progress.final(Phase::failed, std::string("not removed: ") + e.what());
      m_op.warn("job '" + m_job.name + "': sidecar '" + name + "' not removed (boss down removes it): " + e.what());
    } catch (...) {
      m_op.warn("job '" + m_job.name + "': sidecar '" + name + "' not removed (boss down removes it)");
    }
  }
  m_made.clear();
}

}  // namespace boss
