// What one `boss watch` hands the next when an edit of services.lua makes it exec itself
// again: its inotify descriptor (kept open across the exec, so a save made while the new
// process reads the file and starts is queued in the kernel, not lost) and the paths it
// had seen changed but not yet acted on. Carried in the environment variable
// BOSS_WATCH_HANDOVER as JSON, `{"fd":5,"pending":["/abs/path",...]}`, which the new
// process reads and removes before anything else can inherit it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace boss {

inline constexpr const char* kWatchHandoverVariable = "BOSS_WATCH_HANDOVER";

struct WatchHandover {
  int fd = -1;
  std::vector<std::filesystem::path> pending;
  bool operator==(const WatchHandover&) const = default;
};

std::string handover_text(const WatchHandover& handover);
// Throws DefinitionError (one line naming the variable) when `text` is not one.
WatchHandover parse_handover(const std::string& text);

// Sets the variable for the exec that follows, and keeps `handover.fd` open across it.
void pass_on(const WatchHandover& handover);
// The handover this process got (the variable is removed), or nullopt. Throws
// DefinitionError when the variable is malformed or names a descriptor that is not open.
std::optional<WatchHandover> take_handover();

}  // namespace boss
