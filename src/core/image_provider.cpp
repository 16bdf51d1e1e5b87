#include "core/image_provider.h"

#include "core/errors.h"
#include "core/service_failure.h"
#include "core/service_hook.h"

namespace boss {

BuildRequest build_request(const Project& project, const ServiceSpec& spec) {
  return {spec.build_from_directory, spec.dockerfile, spec.image, {{kLabelProject, project.name}}, spec.build_args};
}

void build_service_image(Operation& op, const ServiceSpec& spec, ServiceProgress& progress) {
  progress.phase(Phase::building, spec.image + " from " + spec.build_from_directory);
  op.engine.build_image(build_request(op.project, spec),
                        [&](const ImageProgress& step) { op.events.emit_now(ProgressEvent{spec.name, step}); },
                        op.cancel);
}

ImageProvider::ImageProvider(Operation& op, const std::map<std::string, std::string>& present,
                             std::set<std::string> rebuild)
    : m_op(op) {
  for (const auto& [ref, id] : present)
    if (!id.empty()) entry(ref).id = id;
  for (const auto& ref : rebuild) entry(ref).rebuild = true;
}

ImageProvider::Entry& ImageProvider::entry(const std::string& ref) {
  std::lock_guard lock(m_mutex);
  auto& slot = m_entries[ref];
  if (!slot) slot = std::make_unique<Entry>();
  return *slot;
}

bool ImageProvider::needs_fetch(const ServiceSpec& spec) {
  Entry& e = entry(spec.image);
  std::lock_guard lock(e.mutex);
  return e.rebuild || (e.id.empty() && e.error.empty() && !e.interrupted);
}

std::string ImageProvider::ensure(const ServiceSpec& spec, ServiceProgress& progress) {
  Entry& e = entry(spec.image);
  // It is being fetched for another service: say so, then wait for it.
  if (e.fetching.load() && e.fetcher != spec.name)
    progress.phase(spec.build_from_directory.empty() ? Phase::pulling : Phase::building, "waiting for " + spec.image);
  std::unique_lock lock(e.mutex);
  if (e.interrupted) throw Interrupted("fetching image " + spec.image + " was interrupted");
  if (!e.error.empty()) throw EngineError(e.error);
  if (!e.id.empty() && !e.rebuild) return e.id;
  fetch(spec, e, progress);
  return e.id;
}

void ImageProvider::fetch(const ServiceSpec& spec, Entry& e, ServiceProgress& progress) {
  const std::string old_id = e.id;
  e.fetcher = spec.name;
  e.fetching = true;
  struct Done {
    Entry& e;
    ~Done() { e.fetching = false; }
  } done{e};
  try {
    if (!e.rebuild && e.id.empty()) {
      // Observed missing, but another run (or a pull meanwhile) may have made it.
      if (auto image = m_op.engine.inspect_image(spec.image)) {
        e.id = image->id;
        return;
      }
    }
    if (!spec.build_from_directory.empty()) {
      build_service_image(m_op, spec, progress);
    } else {
      if (spec.has_pre_pull) run_service_hook(m_op, spec, Hook::pre_pull, "", 1, progress);
      progress.phase(Phase::pulling, spec.image);
      m_op.engine.pull_image(
          spec.image, m_op.registry_auth_for(spec), [&](const ImageProgress& step) { m_op.events.emit_now(ProgressEvent{spec.name, step}); },
          m_op.cancel);
    }
    const auto image = m_op.engine.inspect_image(spec.image);
    if (!image)
      throw EngineError("image " + spec.image + " is still missing after " +
                        (spec.build_from_directory.empty() ? "the pull" : "the build"));
    e.id = image->id;
    e.rebuild = false;
    if (!old_id.empty() && old_id != e.id) {
      std::lock_guard lock(m_mutex);
      m_replaced.push_back(old_id);
    }
  } catch (const Interrupted&) {
    e.interrupted = true;
    throw;
  } catch (const EngineError& err) {
    e.error = err.what();
    throw;
  } catch (const ServiceFailure& failure) {  // its pre_pull's
    e.error = failure.reason;
    throw;
  }
}

std::vector<std::string> ImageProvider::replaced() const {
  std::lock_guard lock(m_mutex);
  return m_replaced;
}

}  // namespace boss
