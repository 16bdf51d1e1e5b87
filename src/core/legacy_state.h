// boss 0.1 kept the context in `.boss-context` and the start journal in `.boss-state`,
// beside services.lua and shared by every project run from that file. boss now keeps
// both per project, in .boss/<project>/. This moves the old files' content into the new
// place the first time a project runs, so nothing is lost on the way.
#pragma once

#include "core/events.h"
#include "core/project.h"

namespace boss {

// The old context goes to the first project that runs without a context of its own (it
// was shared, so it was that project's too), with a warning; the old journal's section
// of this project goes to this project's journal. Failures are warnings.
void import_legacy_state(const Project& project, EventSink& events);

}  // namespace boss
