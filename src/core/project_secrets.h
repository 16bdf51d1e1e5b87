// What of a Project is secret, handed to the redactor and the context before anything
// runs: the text of each secret env value without templates, registry_auth passwords,
// the context keys that secret env templates read (their values are secret whoever
// sets them), and the secret values of the project's saved context. Values made secret later (boss.secret in a hook, the context as it is set)
// reach the redactor on their own (script/secret_value.h, core/context_store.h).
#pragma once

#include "core/context_store.h"
#include "core/project.h"
#include "core/secrets.h"

namespace boss {

void register_project_secrets(const Project& project, SecretRedactor& secrets, ContextStore& context);

}  // namespace boss
