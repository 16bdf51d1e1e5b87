#include "core/project_secrets.h"

#include <set>

#include "core/errors.h"
#include "core/template.h"

namespace boss {

void register_project_secrets(const Project& project, SecretRedactor& secrets, ContextStore& context) {
  std::set<std::string> declared;
  for (const auto& spec : project.services) {
    for (const auto& key : spec.secret_env) {
      const auto it = spec.env.find(key);
      if (it == spec.env.end()) continue;
      const auto keys = template_keys(it->second);
      if (keys.empty()) secrets.add(fill_template(it->second, {}));
      declared.insert(keys.begin(), keys.end());
    }
    if (spec.registry_auth) secrets.add(spec.registry_auth->password);
  }
  for (const auto& key : declared) context.declare_secret(key);
  // The context saved by earlier runs: commands that never load it themselves (logs,
  // status, exec) must still mask its secrets. A file that does not parse is left to the
  // operations that read it, which say so.
  ContextStore saved(project.context_file());
  for (const auto& key : declared) saved.declare_secret(key);
  saved.set_redactor(&secrets);
  try {
    saved.load();
  } catch (const DefinitionError&) {
  }
}

}  // namespace boss
