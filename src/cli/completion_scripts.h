// The completion scripts of `boss completion bash|zsh|fish`, made from a CompletionModel
// (cli/completion_model.h). Each is self-contained (bash needs no bash-completion
// package) and asks `boss [-f FILE] __complete services` for service names at completion
// time, so they follow the services file as it is when the user presses Tab.
#pragma once

#include <string>

#include "cli/completion_model.h"

namespace boss {

std::string bash_completion(const CompletionModel& model);
std::string zsh_completion(const CompletionModel& model);
std::string fish_completion(const CompletionModel& model);

}  // namespace boss
