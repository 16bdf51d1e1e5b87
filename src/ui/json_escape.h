// JSON string writing without building a JSON tree: for output too hot for nlohmann
// (`boss logs --progress json`). The result always parses: control characters are
// escaped, and bytes that are not valid UTF-8 become U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace boss {

// Appends `text` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace boss
