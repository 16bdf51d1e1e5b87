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
// A service name as compose and copili write them ("dataloader_01", "api.v2"): 1-63 chars
// of [a-zA-Z0-9._-], starting with a letter or digit (Docker refuses a container name that
// does not). Docker's DNS resolves it on the project network, where it is an alias.
bool is_valid_service_name(const std::string& name);
// An RFC 1123 hostname for a container whose service name may hold '_' or '.': those become
// '-' and a trailing '-' goes ("dataloader_01" -> "dataloader-01"); a hostname stays as it is.
std::string hostname_for(const std::string& name);
// A project name usable in resource names: [a-z0-9][a-z0-9_-]*.
bool is_valid_project_name(const std::string& name);
bool is_valid_stop_signal(const std::string& signal);
// Whether a volume's host path (or volume name) and container path fit the engine's
// "source:target[:mode]" bind text: neither may be empty or hold ':' (the engine splits
// at it) or a NUL. Readers check it where they read a mount, so the error names its line.
bool fits_bind_text(const std::string& path);
// A letter or digit, then letters, digits, '_', '.', '-' (as compose's profile names).
bool is_profile_name(const std::string& name);
// Edit distance, for did-you-mean suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// Whether `word` looks like a misspelling of `candidate`: compared ignoring case, at most
// one edit per 4 letters of the shorter of the two (at least one), and fewer edits than
// that word has letters. "imgae" ~ "image", "Ping" ~ "ping", "poststart" ~ "post_start";
// not "restart" ~ "pre_start" (2 edits for 7 letters), not "a" ~ "b".
bool is_close_name(const std::string& word, const std::string& candidate);
// The closest of `candidates` that is_close_name to `word` (the first on a tie), or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// Throws DefinitionError on the first problem: duplicate or invalid names, missing image,
// unknown dependencies (naming both services), dependency cycles ("a -> b -> c -> a"),
// unknown stop signals and restart policies, non-positive ping_interval. Messages start with the service's
// defined_at when known ("services.lua:12: service 'web': ...").
void validate_project(const Project& project);

// Throws DefinitionError when one of `services` (names of `project`) builds its image
// from a folder that is missing or holds no Dockerfile, naming service, field and path:
// "services.lua:12: service 'web': field 'build_from_directory': folder /src/web does not
// exist". Whether or not the image would be built this time: the definition is wrong.
// Start (and its plan) and reload call it for the services they would start, before
// anything is touched; stop, status and logs do not, so they work whatever the disk holds.
void check_build_contexts(const Project& project, const std::vector<std::string>& services);

}  // namespace boss
