// The end of an operation as text: plain, quiet and tty all print it.
#pragma once

#include <string>

#include "core/outcome.h"

namespace boss {

// "summary:", then a row per service: its outcome and the reason for what was done;
// under an up or kept service the addresses of its ports; under a failure the tail of
// its container's logs; then a row per project resource removed ("removed volume
// todo_data"). Then a count line ("3 up, 1 failed, 1 skipped"), and the
// operation's own error, if any. Every line ends with '\n'.
std::string render_summary_text(const CommandResult& result);

}  // namespace boss
