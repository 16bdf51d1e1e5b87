// boss run's one-off container, from its definition to its removal: the project network
// and the image made sure of, the container created from the service's definition
// (one_off.h), attached before it starts so no output is lost, its streams handed to the
// caller's session, its exit code waited for, and the container removed (unless kept),
// on every path out, Ctrl-C included. No hooks run for a one-off: pre_start, ping and
// post_start belong to the service's own container.
#pragma once

#include <functional>
#include <string>

#include "core/cancel.h"
#include "core/context_store.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/one_off.h"
#include "core/project.h"

namespace boss {

struct RunRequest {
  std::string service;
  OneOffOptions options;
  bool keep = false;  // leave the container when it is done
};

// Gets the one-off's streams while it runs; returns when its output has ended.
using SessionFn = std::function<void(AttachedStreams& streams, const std::string& container_id)>;

// A missing image is pulled with the service's registry_auth, else `credentials`' (may be
// null). Returns the one-off's exit code. Throws DefinitionError for an unknown service,
// FatalError for a {key} no hook has set, EngineError, Interrupted (the container is
// then removed, or stopped when kept).
int run_one_off(Engine& engine, const Project& project, ContextStore& context, EventSink& events,
                const RunRequest& request, const SessionFn& session, const Cancel& cancel,
                CredentialSource* credentials = nullptr);

}  // namespace boss
