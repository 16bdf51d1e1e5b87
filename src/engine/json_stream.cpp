#include "engine/json_stream.h"

namespace boss {

void JsonObjectStream::feed(std::string_view chunk) {
  for (const char c : chunk) {
    if (m_depth == 0) {
      if (c != '{') continue;  // between objects
      m_object.assign(1, c);
      m_depth = 1;
      continue;
    }
    m_object += c;
    if (m_in_string) {
      if (m_escaped)
        m_escaped = false;
      else if (c == '\\')
        m_escaped = true;
      else if (c == '"')
        m_in_string = false;
      continue;
    }
    if (c == '"') {
      m_in_string = true;
    } else if (c == '{' || c == '[') {
      ++m_depth;
    } else if (c == '}' || c == ']') {
      if (--m_depth == 0) {
        auto object = nlohmann::json::parse(m_object, nullptr, /*allow_exceptions=*/false);
        m_object.clear();
        if (!object.is_discarded()) m_on_object(object);
      }
    }
  }
}

}  // namespace boss
