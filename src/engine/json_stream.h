// Docker's pull and build responses are a stream of JSON objects, one after another
// (newline-separated by Docker, not always by podman), split across arbitrary chunks.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace boss {

class JsonObjectStream {
 public:
  using ObjectFn = std::function<void(const nlohmann::json& object)>;
  explicit JsonObjectStream(ObjectFn on_object) : m_on_object(std::move(on_object)) {}

  // Calls on_object for every top-level object completed by `chunk`. Text between
  // objects (whitespace, stray bytes) and objects that fail to parse are skipped.
  void feed(std::string_view chunk);

 private:
  ObjectFn m_on_object;
  std::string m_object;  // the object being read, from its opening brace
  int m_depth = 0;
  bool m_in_string = false;
  bool m_escaped = false;
};

}  // namespace boss
