#include "cli/version.h"

// generated/boss_revision.h, rewritten only when the revision changes, so only this file
// recompiles after a commit.
#include "boss_revision.h"

namespace boss {

std::string version_text() { return "boss " BOSS_VERSION " (" BOSS_REVISION ")"; }

}  // namespace boss
