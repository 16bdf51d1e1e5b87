// Splitting text into its parts. A command written as one string ("nginx -g 'daemon off;'"), split into argv the way a
// shell would split it, without expanding anything. services.lua's cmd/entrypoint strings
// and compose's command/entrypoint strings go through it.
#pragma once

#include <string>
#include <vector>

namespace boss {

// Splits a command line on whitespace, with '...' and "..." quoting and backslash
// escapes (outside single quotes). Throws DefinitionError("unterminated quote").
std::vector<std::string> split_command_line(const std::string& text);

// `text` cut at every `separator`: "a:b::c" -> {"a", "b", "", "c"}; "" -> {""}.
std::vector<std::string> split_at(const std::string& text, char separator);

}  // namespace boss
