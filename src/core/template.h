// "{key}" filling for env values, cmd and entrypoint: "{key}" is replaced by the context
// value, "{{" and "}}" stand for literal braces. Keys are identifiers
// ([A-Za-z_][A-Za-z0-9_.-]*).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace boss {

// Throws DefinitionError for a malformed template ("unterminated '{'", "single '}'",
// "invalid context key"); the message does not name the field, the caller prefixes it.
void check_template(const std::string& text);
// The keys a template refers to, in order of appearance.
std::vector<std::string> template_keys(const std::string& text);

// The template that fills to `text` as it is: its braces doubled. For values from
// outside services.lua (compose files), where "{" means nothing.
std::string template_literal(const std::string& text);

// Thrown by fill_template when a key has no value.
struct MissingContextKey {
  std::string key;
};
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace boss
