#include "core/one_off_run.h"

#include <exception>

#include "core/errors.h"
#include "core/image_provider.h"
#include "core/plan.h"
#include "core/selection.h"

namespace boss {

namespace {

// The image's id, pulled or built first when it is missing.
std::string ensure_image(Engine& engine, const Project& project, const ServiceSpec& spec, EventSink& events,
                         const Cancel& cancel, CredentialSource* credentials) {
  if (const auto image = engine.inspect_image(spec.image)) return image->id;
  const ProgressFn quiet = [](const ImageProgress&) {};
  if (spec.build_from_directory.empty()) {
    events.emit_now(WarningEvent{"run: pulling image " + spec.image + " for " + spec.name});
    engine.pull_image(spec.image, credentials_for(spec.registry_auth, spec.image, credentials), quiet, cancel);
  } else {
    events.emit_now(WarningEvent{"run: building image " + spec.image + " for " + spec.name});
    engine.build_image(build_request(project, spec), quiet, cancel);
  }
  const auto image = engine.inspect_image(spec.image);
  if (!image) throw EngineError("image " + spec.image + " is missing after it was fetched", 0);
  return image->id;
}

}  // namespace

int run_one_off(Engine& engine, const Project& project, ContextStore& context, EventSink& events,
                const RunRequest& request, const SessionFn& session, const Cancel& cancel,
                CredentialSource* credentials) {
  const ServiceSpec* spec = project.find(request.service);
  if (!spec) throw unknown_service(project, request.service, "run");
  context.load();
  const auto values = context.text_snapshot();
  const auto secret_keys = context.secret_keys();
  // Fills the templates; the first time before anything is touched.
  const auto config_for = [&](const std::string& image_id) {
    try {
      return desired_config(*spec, image_id, values, secret_keys);
    } catch (const UnfilledTemplate& unfilled) {
      throw FatalError("run: service '" + spec->name + "': " +
                       describe_unfilled(unfilled, context.set_by(unfilled.key)));
    }
  };
  config_for("");

  const Observed observed = observe(engine, project, /*images=*/false);
  if (!observed.network_present()) engine.create_network(project.network_name(), {{kLabelProject, project.name}});
  const DesiredConfig config = config_for(ensure_image(engine, project, *spec, events, cancel, credentials));

  const std::string name = one_off_name(project, spec->name, random_suffix());
  const std::string id = engine.create_container(one_off_spec(project, *spec, config, request.options, name));
  // However it ends: removed, or (kept) at least not left running by an interrupted run.
  struct Cleanup {
    Engine& engine;
    const std::string& id;
    bool keep;
    ~Cleanup() {
      try {
        if (!keep)
          engine.remove_container(id);
        else if (std::uncaught_exceptions() > 0)
          engine.stop_container(id, 0);
      } catch (const EngineError&) {
        // The container is left behind; the error that ended the run says more.
      }
    }
  } cleanup{engine, id, request.keep};

  const auto streams = engine.attach_container(id, request.options.open_stdin, request.options.tty);
  engine.start_container(id);
  session(*streams, id);
  return engine.wait_container(id, cancel);
}

}  // namespace boss
