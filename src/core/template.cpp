#include "core/template.h"

#include <cctype>

#include "core/errors.h"

namespace boss {
namespace {

bool is_key_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Walks `text`, calling on_text for literal runs and on_key for each "{key}". One parser
// serves checking, key listing and filling, so they can never disagree.
template <typename OnText, typename OnKey>
void parse(const std::string& text, OnText on_text, OnKey on_key) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      on_text("{");
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      on_text("}");
      i += 2;
    } else if (c == '{') {
      const auto close = text.find('}', i + 1);
      if (close == std::string::npos)
        throw DefinitionError("unterminated '{' in \"" + text + "\" (write '{{' for a literal brace)");
      const std::string key = text.substr(i + 1, close - i - 1);
      bool valid = !key.empty() && is_key_start(key[0]);
      for (char k : key) valid = valid && is_key_char(k);
      if (!valid)
        throw DefinitionError("invalid context key '{" + key + "}' in \"" + text +
                              "\" (write '{{' and '}}' for literal braces)");
      on_key(key);
      i = close + 1;
    } else if (c == '}') {
      throw DefinitionError("single '}' in \"" + text + "\" (write '}}' for a literal brace)");
    } else {
      const auto next = text.find_first_of("{}", i);
      const auto end = next == std::string::npos ? text.size() : next;
      on_text(std::string_view(text).substr(i, end - i));
      i = end;
    }
  }
}

}  // namespace

void check_template(const std::string& text) {
  parse(text, [](std::string_view) {}, [](const std::string&) {});
}

std::vector<std::string> template_keys(const std::string& text) {
  std::vector<std::string> keys;
  parse(text, [](std::string_view) {}, [&](const std::string& key) { keys.push_back(key); });
  return keys;
}

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  parse(
      text, [&](std::string_view literal) { out.append(literal); },
      [&](const std::string& key) {
        const auto it = values.find(key);
        if (it == values.end()) throw MissingContextKey{key};
        out += it->second;
      });
  return out;
}

std::string template_literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

}  // namespace boss
