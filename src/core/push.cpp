#include "core/push.h"

#include <algorithm>
#include <map>

#include "core/errors.h"
#include "core/image_provider.h"
#include "core/selection.h"
#include "core/service_progress.h"

namespace boss {

std::vector<std::string> select_for_push(const Project& project, const std::vector<std::string>& names) {
  check_service_names(project, names, "push");
  std::vector<std::string> selected;
  for (const auto& spec : project.services) {
    const bool named = std::find(names.begin(), names.end(), spec.name) != names.end();
    if (!names.empty() && !named) continue;
    if (spec.build_from_directory.empty()) {
      if (named)
        throw DefinitionError("push: service '" + spec.name + "' is not built from a directory (it runs image '" +
                              spec.image + "'); boss pushes only the images it builds");
      continue;
    }
    if (!names_registry(spec.image))
      throw DefinitionError(spec.defined_at + ": service '" + spec.name + "': image '" + spec.image +
                            "' names no registry to push to (write it as host[:port]/name:tag)");
    selected.push_back(spec.name);
  }
  if (selected.empty()) throw DefinitionError("push: no service is built from a directory, so there is nothing to push");
  return selected;
}

CommandResult push_services(Operation& op, const std::vector<std::string>& services) {
  CommandResult result;
  result.command = "push";
  result.project = op.project.name;
  ImageProvider images(op, {}, {});
  std::map<std::string, std::string> pushed;  // image -> the service it was pushed for
  for (const auto& name : services) {
    const ServiceSpec& spec = *op.project.find(name);
    ServiceOutcome outcome;
    outcome.service = name;
    outcome.action = ActionKind::push;
    if (op.cancel.requested()) {
      outcome.status = Phase::interrupted;
      result.interrupted = true;
      result.outcomes.push_back(outcome);
      continue;
    }
    ServiceProgress progress(op.events, name, ActionKind::push);
    outcome.began = true;
    try {
      images.ensure(spec, progress);
      if (!pushed.count(spec.image)) {
        progress.phase(Phase::pushing, spec.image);
        op.engine.push_image(
            spec.image, op.registry_auth_for(spec),
            [&](const ImageProgress& step) { op.events.emit_now(ProgressEvent{name, step}); }, op.cancel);
        pushed[spec.image] = name;
      }
      outcome.status = Phase::pushed;
      outcome.reason = spec.image;
    } catch (const Interrupted&) {
      outcome.status = Phase::interrupted;
      outcome.reason = "interrupted while pushing " + spec.image;
      result.interrupted = true;
    } catch (const EngineError& e) {
      outcome.status = Phase::failed;
      outcome.reason = first_line(e.what());
    }
    outcome.seconds = progress.elapsed();
    progress.final(outcome.status, outcome.reason);
    result.outcomes.push_back(outcome);
  }
  return result;
}

}  // namespace boss
