// Checks of a Project that need no Lua: names, dependencies, cycles, signals.
// Type checks of individual fields happen where services.lua is read (script/).
#pragma once

#include <string>
#include <vector>

#include "core/project.h"

namespace boss {

// "My App!" -> "my-app"; never empty ("boss" if nothing is left).
std::string slugify(const std::string& text);
// RFC 1123 label: 1-63 chars of [a-z0-9-] (any case), not starting or ending with '-'.
bool is_valid_hostname(const std::string& name);
// A project name usable in resource names: [a-z0-9][a-z0-9_-]*.
bool is_valid_project_name(const std::string& name);
bool is_valid_stop_signal(const std::string& signal);
// A letter or digit, then letters, digits, '_', '.', '-' (as compose's profile names).
bool is_profile_name(const std::string& name);
// Edit distance, for did-you-mean suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The closest candidate within a small distance, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// Throws DefinitionError on the first problem: duplicate or invalid names, missing image,
// unknown dependencies (naming both services), dependency cycles ("a -> b -> c -> a"),
// unknown stop signals, non-positive ping_interval. Messages start with the service's
// defined_at when known ("services.lua:12: service 'web': ...").
void validate_project(const Project& project);

}  // namespace boss
