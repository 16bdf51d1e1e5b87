// Shared by the fuzz targets: the input as text, and a way to cut it in two at a place
// the input itself chooses (so split-anywhere stream readers get every split tried).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace boss::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first byte picks a cut point in the rest: {rest[0, cut), rest[cut, end)}.
struct Cut {
  std::string_view first;
  std::string_view second;
};
inline Cut cut_by_first_byte(std::string_view text) {
  if (text.empty()) return {};
  const std::size_t rest_size = text.size() - 1;
  const std::size_t cut = rest_size == 0 ? 0 : static_cast<unsigned char>(text[0]) % (rest_size + 1);
  const std::string_view rest = text.substr(1);
  return {rest.substr(0, cut), rest.substr(cut)};
}

// A folder of this process's own for the files an input is written to, removed when the
// process exits: /tmp/<prefix>-<pid>.
struct ScratchDir {
  std::filesystem::path dir;
  explicit ScratchDir(const std::string& prefix)
      : dir(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace boss::fuzz
