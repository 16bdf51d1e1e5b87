// Reading a pull or build progress stream (the objects of a JsonObjectStream) into
// ImageProgress steps.
//
// Pull objects {"status": "Downloading", "id": "<layer>", "progressDetail": {"current":
// 10, "total": 100}} become Kind::pull steps; a byte tick that repeats the last step of
// its layer is dropped. Build objects {"stream": "Step 2/5 : RUN make\n"} become one
// Kind::build step per line: partial writes joined, trailing blanks trimmed, empty lines
// dropped, and each line numbered with the "Step N/M" it belongs to. A build's base image
// pull comes as pull objects in the build stream. Errors come as "error" and/or
// "errorDetail": {"message": ...}.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/engine.h"

namespace boss {

class ProgressReader {
 public:
  // `on_progress` may be empty (the steps are then only read for errors).
  explicit ProgressReader(ProgressFn on_progress) : m_on_progress(std::move(on_progress)) {}

  // Reads one object of the stream; returns its error message when it reports a failure.
  std::optional<std::string> read(const nlohmann::json& object);
  // The stream ended: a last build line without newline is delivered.
  void finish();

 private:
  void read_build_output(std::string_view text);
  void build_line(std::string_view line);
  void read_pull_status(const nlohmann::json& object, std::string status);
  void report(const ImageProgress& step) const {
    if (m_on_progress) m_on_progress(step);
  }

  ProgressFn m_on_progress;
  std::string m_partial;  // build output after its last newline
  int m_step = 0;
  int m_steps = 0;
  std::map<std::string, ImageProgress> m_last_by_layer;
};

}  // namespace boss
