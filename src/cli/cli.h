#pragma once

namespace boss {

// Parses the command line, runs the command, returns the process exit code:
// 0 success, 1 a service or the engine failed, 2 bad invocation or definition,
// 130 interrupted.
int run_cli(int argc, char** argv);

}  // namespace boss
