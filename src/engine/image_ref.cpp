#include "engine/image_ref.h"

#include "core/errors.h"

namespace boss {

ImageRef parse_image_ref(const std::string& ref) {
  ImageRef result;
  std::string rest = ref;
  if (const auto at = rest.find('@'); at != std::string::npos) {
    result.digest = rest.substr(at + 1);
    rest.resize(at);
  }
  const auto slash = rest.rfind('/');
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    result.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (result.tag.empty()) throw EngineError("invalid image reference '" + ref + "'", 0);
  }
  result.name = rest;
  if (result.name.empty()) throw EngineError("invalid image reference '" + ref + "'", 0);
  // A digest pins the image; a tag next to it is redundant for the pull API.
  if (!result.digest.empty())
    result.tag.clear();
  else if (result.tag.empty())
    result.tag = "latest";
  return result;
}

}  // namespace boss
