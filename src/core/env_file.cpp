#include "core/env_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/errors.h"
#include "core/interpolate.h"

namespace boss {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_key_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

// A character for a message: itself when printable, else \xNN.
std::string char_text(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
  return buffer;
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& label, const EnvLookup& environment, const EnvLookup& earlier)
      : m_text(text), m_label(label), m_environment(environment), m_earlier(earlier) {}

  std::vector<std::pair<std::string, std::string>> parse() {
    while (m_pos < m_text.size()) {
      m_statement_line = m_line;
      skip_blanks();
      if (at_line_end()) {
        next_line();
        continue;
      }
      if (peek() == '#') {
        skip_to_line_end();
        next_line();
        continue;
      }
      std::string key = read_key();
      skip_blanks();
      if (peek() != '=') {
        if (at_line_end()) fail("'" + key + "' has no '=' (expected KEY=value)");
        fail("expected '=' after '" + key + "', got '" + char_text(peek()) + "'");
      }
      ++m_pos;
      skip_blanks();
      std::string value = read_value();
      m_assigned[key] = value;
      m_out.emplace_back(std::move(key), std::move(value));
      next_line();
    }
    return std::move(m_out);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw DefinitionError(m_label + ":" + std::to_string(m_statement_line) + ": " + what);
  }

  char peek(std::size_t ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
  bool at_end() const { return m_pos >= m_text.size(); }
  bool at_line_end() const { return at_end() || m_text[m_pos] == '\n'; }
  void skip_blanks() {
    while (!at_end() && is_blank(m_text[m_pos])) ++m_pos;
  }
  void skip_to_line_end() {
    while (!at_line_end()) ++m_pos;
  }
  // Moves past the newline the cursor is on (if any).
  void next_line() {
    if (at_end()) return;
    ++m_pos;
    ++m_line;
  }

  std::string read_key() {
    std::string key = read_word();
    if (key == "export" && is_blank(peek())) {
      skip_blanks();
      key = read_word();
    }
    if (key.empty()) {
      if (at_line_end()) fail("expected a variable name after 'export'");
      fail("expected a variable name, got '" + char_text(peek()) + "'");
    }
    if (!is_name_start(key[0])) fail("invalid variable name '" + key + "'");
    return key;
  }

  std::string read_word() {
    const std::size_t start = m_pos;
    while (!at_end() && is_key_char(m_text[m_pos])) ++m_pos;
    return m_text.substr(start, m_pos - start);
  }

  std::string read_value() {
    if (peek() == '\'') return read_single_quoted();
    if (peek() == '"') return read_double_quoted();
    return read_unquoted();
  }

  // After a closing quote: blanks, then the line's end or a comment.
  void expect_line_end_after_quote() {
    skip_blanks();
    if (peek() == '#') skip_to_line_end();
    if (!at_line_end()) fail("unexpected '" + char_text(peek()) + "' after the closing quote");
  }

  std::string read_single_quoted() {
    ++m_pos;
    const std::size_t close = m_text.find('\'', m_pos);
    if (close == std::string::npos) fail("unterminated single quote");
    std::string value = m_text.substr(m_pos, close - m_pos);
    count_lines(value);
    m_pos = close + 1;
    expect_line_end_after_quote();
    return value;
  }

  std::string read_double_quoted() {
    ++m_pos;
    const std::size_t start = m_pos;
    for (;; ++m_pos) {
      if (at_end()) fail("unterminated double quote");
      if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == '"') break;
    }
    const std::string raw = m_text.substr(start, m_pos - start);
    count_lines(raw);
    ++m_pos;
    expect_line_end_after_quote();
    return expand(raw, /*escapes=*/true);
  }

  std::string read_unquoted() {
    const std::size_t start = m_pos;
    std::size_t end = start;
    while (!at_line_end()) {
      const char c = m_text[m_pos];
      if (c == '#' && is_blank(m_text[m_pos - 1])) {  // `KEY=a#b` keeps its '#'
        skip_to_line_end();
        break;
      }
      ++m_pos;
      if (!is_blank(c)) end = m_pos;
    }
    return expand(m_text.substr(start, end - start), /*escapes=*/false);
  }

  void count_lines(const std::string& text) {
    for (char c : text)
      if (c == '\n') ++m_line;
  }

  std::optional<std::string> lookup(const std::string& name) const {
    if (auto value = m_environment ? m_environment(name) : std::nullopt) return value;
    const auto it = m_assigned.find(name);
    if (it != m_assigned.end()) return it->second;
    return m_earlier ? m_earlier(name) : std::nullopt;
  }

  // Expands $NAME and ${...} in `text` (core/interpolate.h); with `escapes` (double
  // quotes) also \n \r \t \" \\ and \$ (a literal '$'); any other backslash stays.
  std::string expand(const std::string& text, bool escapes) const {
    const EnvLookup lookup = [this](const std::string& name) { return this->lookup(name); };
    InterpolationRules rules;
    rules.backslash_escapes = escapes;
    try {
      return interpolate(text, lookup, rules);
    } catch (const InterpolationError& e) {
      fail(e.what());
    }
  }

  const std::string& m_text;
  const std::string& m_label;
  const EnvLookup& m_environment;
  const EnvLookup& m_earlier;
  std::size_t m_pos = 0;
  int m_line = 1;
  int m_statement_line = 1;
  std::map<std::string, std::string> m_assigned;
  std::vector<std::pair<std::string, std::string>> m_out;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_env_file(const std::string& text, const std::string& label,
                                                                 const EnvLookup& environment,
                                                                 const EnvLookup& earlier) {
  return Parser(text, label, environment, earlier).parse();
}

std::map<std::string, std::string> read_env_files(const std::vector<std::string>& files, const EnvLookup& environment) {
  std::map<std::string, std::string> values;
  const EnvLookup earlier = [&](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it != values.end()) return it->second;
    return std::nullopt;
  };
  for (const auto& file : files) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw DefinitionError("cannot read env file '" + file + "': it is a folder");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw DefinitionError("cannot read env file '" + file + "': " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw DefinitionError("cannot read env file '" + file + "': " + std::strerror(errno));
    for (auto& [key, value] : parse_env_file(text.str(), file, environment, earlier)) values[key] = std::move(value);
  }
  return values;
}

EnvLookup shell_then_dotenv(const EnvLookup& shell, const std::map<std::string, std::string>& dotenv) {
  return [&shell, &dotenv](const std::string& name) -> std::optional<std::string> {
    if (shell)
      if (auto value = shell(name)) return value;
    const auto it = dotenv.find(name);
    if (it == dotenv.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace boss
