// Reading one object of a pull or build progress stream.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace boss {

struct ProgressMessage {
  std::vector<std::string> lines;    // readable lines for the user, possibly none
  std::optional<std::string> error;  // set when the engine reports a failure
};

// Build objects carry {"stream": "Step 1/2 : FROM x\n"} (split into lines, empty ones
// dropped); pull objects carry {"status": "...", "id": "layer", "progress": "..."}
// (rendered "layer: status"; per-byte progress ticks are dropped as noise). Errors
// come as "error" and/or "errorDetail": {"message": ...}.
ProgressMessage read_progress_message(const nlohmann::json& object);

}  // namespace boss
