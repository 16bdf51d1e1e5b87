// The engines a project runs on: the usual one (-H, DOCKER_HOST, the context) and those
// services.lua declares with boss.engine, made and checked (the host's form, the TLS
// files) before anything is touched. When services.lua declares engines, `engine()` is an
// EngineSet over all of them (core/engine_set.h), even one no service uses any more (its
// old containers are found and replaced); otherwise it is the usual engine itself, so a
// one-engine project pays nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/engine_set.h"
#include "core/project.h"
#include "engine/tracing_engine.h"

namespace boss {

class ProjectEngines {
 public:
  // `trace`: set (-v) to trace every declared engine's calls as the usual one's are.
  // Throws DefinitionError "services.lua:3: boss.engine 'edge': ..." for a bad host or TLS file.
  // `warn`: where the set's warnings go (a declared engine no service uses is down).
  ProjectEngines(const Project& project, Engine& usual, const TracingEngine::TraceFn* trace,
                 std::function<void(const std::string&)> warn = {});
  ~ProjectEngines();
  Engine& engine() { return m_set ? static_cast<Engine&>(*m_set) : m_usual; }
  // EngineSet::tidy_unused, when services.lua declares engines; else nothing.
  std::vector<std::string> tidy_unused() { return m_set ? m_set->tidy_unused() : std::vector<std::string>{}; }

 private:
  Engine& m_usual;
  std::vector<std::unique_ptr<Engine>> m_owned;
  std::unique_ptr<EngineSet> m_set;
};

}  // namespace boss
