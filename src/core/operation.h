// Everything one operation (a start, a stop, a reload, ...) works with. The Runtime
// makes one per operation; the executor and its parts take it by reference.
#pragma once

#include <atomic>
#include <string>

#include "core/background.h"
#include "core/cancel.h"
#include "core/context_store.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/hooks.h"
#include "core/project.h"
#include "core/registry_auth.h"
#include "core/start_journal.h"

namespace boss {

class ContainerWatch;

class Operation {
 public:
  Operation(const Project& project, Engine& engine, Hooks& hooks, ContextStore& context, StartJournal& journal,
            EventSink& events, const Cancel& cancel)
      : project(project), engine(engine), hooks(hooks), context(context), journal(journal), events(events),
        cancel(cancel) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  const Project& project;
  Engine& engine;
  Hooks& hooks;
  ContextStore& context;
  StartJournal& journal;
  EventSink& events;
  const Cancel& cancel;
  // Where registry credentials come from for services that give none; may be null.
  CredentialSource* credentials = nullptr;
  // A start run's engine events (core/container_watch.h), set while its plan is carried
  // out; null otherwise: waiters then ask the engine.
  ContainerWatch* watch = nullptr;

  // The credentials to pull or push `spec`'s image with: the service's own, else the
  // source's for its registry, else none. Throws EngineError when the source fails.
  RegistryAuth registry_auth_for(const ServiceSpec& spec) const;

  // Saves the context if a hook changed it. A failure to write is a warning, given once
  // per operation: the values live on in memory, and the summary must never be lost.
  void save_context();
  void warn(std::string text) { events.emit_now(WarningEvent{std::move(text)}); }
  void trace(std::string text) { events.emit_now(TraceEvent{std::move(text)}); }

 private:
  std::atomic<bool> m_context_warned{false};

 public:
  // Last: joined before anything above goes.
  BackgroundThreads background;
};

}  // namespace boss
