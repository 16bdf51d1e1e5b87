#include "core/interpolate.h"

#include <cstdio>
#include <string_view>

namespace boss {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// One printable line for a message: newlines as blanks, control bytes as \xNN.
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += ' ';
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
      out += buffer;
    }
  }
  return out;
}

class Expander {
 public:
  Expander(const EnvLookup& lookup, const InterpolationRules& rules) : m_lookup(lookup), m_rules(rules) {}

  std::string expand(const std::string& text, int depth) const {
    if (depth > 20) throw InterpolationError("interpolation nested too deeply");
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (m_rules.backslash_escapes && c == '\\' && i + 1 < text.size()) {
        const char e = text[i + 1];
        if (std::string_view("nrt\"\\$").find(e) == std::string_view::npos) {
          out += c;
          continue;
        }
        out += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
        ++i;
        continue;
      }
      if (c != '$') {
        out += c;
        continue;
      }
      const char next = i + 1 < text.size() ? text[i + 1] : '\0';
      if (m_rules.dollar_escape && next == '$') {
        out += '$';
        ++i;
      } else if (is_name_start(next)) {
        std::size_t j = i + 1;
        while (j < text.size() && is_name_char(text[j])) ++j;
        out += value_of(text.substr(i + 1, j - i - 1)).value_or("");
        i = j - 1;
      } else if (next == '{') {
        const std::size_t close = matching_brace(text, i + 1);
        out += expand_braced(text.substr(i + 2, close - i - 2), depth);
        i = close;
      } else if (m_rules.strict) {
        throw InterpolationError("invalid interpolation at '" + printable(text.substr(i, 8)) +
                                 "' (write $$ for a literal $)");
      } else {
        out += c;
      }
    }
    return out;
  }

 private:
  std::optional<std::string> value_of(const std::string& name) const {
    return m_lookup ? m_lookup(name) : std::nullopt;
  }

  // The index of the '}' closing the '{' at `open`, counting nested ${...}.
  static std::size_t matching_brace(const std::string& text, std::size_t open) {
    int level = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
      if (text[i] == '{' && i > 0 && text[i - 1] == '$') ++level;
      if (text[i] == '}' && --level == 0) return i;
    }
    throw InterpolationError("unterminated '${' in value");
  }

  // The inside of ${...}: NAME, then optionally one of :- - :+ + :? ? and a word.
  std::string expand_braced(const std::string& inner, int depth) const {
    std::size_t n = 0;
    while (n < inner.size() && is_name_char(inner[n])) ++n;
    const std::string name = inner.substr(0, n);
    if (name.empty() || !is_name_start(name[0]))
      throw InterpolationError("invalid variable name in '${" + printable(inner) + "}'");
    const auto value = value_of(name);
    if (n == inner.size()) return value.value_or("");
    const bool colon = inner[n] == ':';
    const std::size_t op_at = colon ? n + 1 : n;
    const char op = op_at < inner.size() ? inner[op_at] : '\0';
    if (op != '-' && op != '+' && op != '?')
      throw InterpolationError("unsupported '${" + printable(inner) +
                               "}' (expected ${NAME}, ${NAME:-default}, ${NAME-default}, ...)");
    const std::string word = inner.substr(op_at + 1);
    // With ':' an empty value counts as unset.
    const bool set = value && (!colon || !value->empty());
    switch (op) {
      case '-': return set ? *value : expand(word, depth + 1);
      case '+': return set ? expand(word, depth + 1) : "";
      default:
        if (set) return *value;
        throw InterpolationError(name + ": " +
                                 (word.empty() ? std::string(colon ? "not set or empty" : "not set")
                                               : printable(expand(word, depth + 1))));
    }
  }

  const EnvLookup& m_lookup;
  const InterpolationRules& m_rules;
};

}  // namespace

std::string interpolate(const std::string& text, const EnvLookup& lookup, const InterpolationRules& rules) {
  return Expander(lookup, rules).expand(text, 0);
}

}  // namespace boss
