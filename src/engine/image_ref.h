// Image references as the pull API wants them: fromImage=<name>&tag=<tag or digest>.
#pragma once

#include <string>

namespace boss {

struct ImageRef {
  std::string name;    // "busybox", "host:5000/team/app"
  std::string tag;     // "latest" when neither a tag nor a digest was given
  std::string digest;  // "sha256:..." for name@digest references (tag is then empty)
  // The value of the pull API's `tag` parameter: the digest when there is one.
  std::string api_tag() const { return digest.empty() ? tag : digest; }
  bool operator==(const ImageRef&) const = default;
};

// Parses "name", "name:tag", "host:5000/name:tag", "name@sha256:...". A colon before
// the last '/' belongs to a registry host, not a tag. Throws EngineError for an empty
// name.
ImageRef parse_image_ref(const std::string& ref);

}  // namespace boss
