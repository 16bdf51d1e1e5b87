#include "core/operation.h"

#include "core/errors.h"

namespace boss {

RegistryAuth Operation::registry_auth_for(const ServiceSpec& spec) const {
  return credentials_for(spec.registry_auth, spec.image, credentials);
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
