#include "cli/project_engines.h"

#include "core/errors.h"
#include "engine/docker_engine.h"
#include "engine/endpoint_resolution.h"

namespace boss {
namespace {

// The declaration's endpoint; a bad one is a DefinitionError at its line.
Endpoint endpoint_of(const EngineSpec& spec) {
  try {
    std::optional<TlsFiles> tls;
    if (spec.tls) tls = TlsFiles{spec.tls->ca, spec.tls->cert, spec.tls->key, spec.tls->verify};
    Endpoint endpoint = parse_docker_host(spec.host, tls, "host");
    check_tls_files(endpoint, "tls");
    return endpoint;
  } catch (const DefinitionError& e) {
    throw DefinitionError(spec.defined_at + ": boss.engine '" + spec.name + "': " + e.what());
  }
}

}  // namespace

ProjectEngines::ProjectEngines(const Project& project, Engine& usual, const TracingEngine::TraceFn* trace,
                               std::function<void(const std::string&)> warn)
    : m_usual(usual) {
  std::vector<Endpoint> endpoints;
  for (const auto& spec : project.engines) endpoints.push_back(endpoint_of(spec));
  // Declared engines no service uses still take part: a service moved off one finds its
  // old container there (the set lists containers on every member).
  if (project.engines.empty()) return;
  std::vector<EngineSet::Member> members{{"", &usual, ""}};
  for (std::size_t i = 0; i < project.engines.size(); ++i) {
    m_owned.push_back(std::make_unique<DockerEngine>(endpoints[i]));
    if (trace) {
      const std::string name = project.engines[i].name;
      m_owned.push_back(std::make_unique<TracingEngine>(*m_owned.back(), [name, fn = *trace](const std::string& line) {
        fn("[" + name + "] " + line);
      }));
    }
    members.push_back({project.engines[i].name, m_owned.back().get(), project.engines[i].address});
  }
  m_set = std::make_unique<EngineSet>(project, std::move(members));
  m_set->set_warn(std::move(warn));
}

ProjectEngines::~ProjectEngines() = default;

}  // namespace boss
