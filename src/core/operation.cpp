#include "core/operation.h"

#include "core/errors.h"

namespace boss {

RegistryAuth Operation::registry_auth_for(const ServiceSpec& spec) const {
  if (spec.registry_auth) return *spec.registry_auth;
  if (credentials)
    if (auto found = credentials->find(registry_host(spec.image))) return *found;
  return {};
}

void Operation::save_context() {
  try {
    context.save_if_dirty();
  } catch (const FatalError& e) {
    if (!m_context_warned.exchange(true))
      warn(std::string(e.what()) + " (the context lives on in memory for this run)");
  }
}

}  // namespace boss
