// The build context Docker's /build wants: the context directory as an uncompressed
// tar, made in memory with libarchive, minus what .dockerignore excludes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace boss {

// The patterns of a .dockerignore file. Supported: fnmatch patterns matched against
// slash-separated paths relative to the context ('*' stays within one path element,
// '**' crosses them), '#' comments, leading '/' and trailing '/' ignored, and '!'
// exceptions; the last matching pattern wins. A pattern that matches a directory
// excludes everything below it unless a later '!' pattern brings it back.
class DockerIgnore {
 public:
  DockerIgnore() = default;
  static DockerIgnore parse(std::string_view text);
  // The context's .dockerignore, or no patterns when there is none.
  static DockerIgnore load(const std::filesystem::path& context_dir);

  bool excluded(const std::string& relative_path) const;
  bool has_exceptions() const;
  bool empty() const { return m_rules.empty(); }

 private:
  struct Rule {
    std::string pattern;
    bool exception = false;
  };
  std::vector<Rule> m_rules;
};

// Tars `context_dir` (entries sorted, owned by root, paths relative to the context)
// without the files its .dockerignore excludes. The Dockerfile (`dockerfile`, relative
// to the context) and .dockerignore are always included because the engine needs
// them. Throws EngineError naming the path when the context directory or the
// Dockerfile is missing or a file cannot be read.
std::string make_build_context(const std::filesystem::path& context_dir,
                               const std::string& dockerfile);

// One entry of make_file_tar: the host's file, directory or symlink `source` under the
// entry name `name` (a relative path; a leading '/' is dropped).
struct TarFile {
  std::filesystem::path source;
  std::string name;
};

// A tar of exactly `files`, in the given order, made as build contexts are (owned by
// root, modes and times kept; other kinds of file skipped). What `boss watch` copies into
// a container. Throws EngineError "copy: cannot read 'PATH'" for a file that is gone.
std::string make_file_tar(const std::vector<TarFile>& files);

// A tar of one regular file `name` (relative) holding `bytes`, mode 0644, owned by root:
// a launch's /input.json (core/launch.h).
std::string make_bytes_tar(const std::string& name, const std::string& bytes);

}  // namespace boss
