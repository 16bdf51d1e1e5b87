#include "engine/build_context.h"

#include "platform/libarchive_api.h"
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/errors.h"

namespace boss {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// "./a//b/" -> "a/b": the form paths are matched in.
std::string clean_path(std::string path) {
  std::string out = fs::path(path).lexically_normal().generic_string();
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (out.rfind("/", 0) == 0) out.erase(0, 1);
  return out == "." ? std::string() : out;
}

bool pattern_matches(const std::string& pattern, const std::string& path) {
  if (pattern.find("**") != std::string::npos) {
    // '**' may span directories: match without FNM_PATHNAME, and let a leading
    // "**/" also match at the top of the context.
    if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
    return pattern.rfind("**/", 0) == 0 && fnmatch(pattern.c_str() + 3, path.c_str(), 0) == 0;
  }
  return fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0;
}

// True when `pattern` matches `path` or one of its parent directories.
bool rule_matches(const std::string& pattern, const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (pattern_matches(pattern, path.substr(0, slash))) return true;
  return pattern_matches(pattern, path);
}

struct ArchiveDeleter {
  void operator()(archive* a) const { libarchive().write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { libarchive().entry_free(e); }
};

la_ssize_t append_to_string(archive*, void* user, const void* buffer, size_t length) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

class TarWriter {
 public:
  // `what` names the tar in errors ("build context '/src/app'").
  explicit TarWriter(std::string what) : m_what(std::move(what)) {
    m_archive.reset(libarchive().write_new());
    if (!m_archive) fail("cannot create an archive");
    check(libarchive().write_set_format_pax_restricted(m_archive.get()));
    // No padding to 10 KiB blocks: the engine does not need it.
    check(libarchive().write_set_bytes_in_last_block(m_archive.get(), 1));
    check(libarchive().write_open(m_archive.get(), &m_output, nullptr, &append_to_string, nullptr));
  }

  // Adds the file, directory or symlink at `full` as entry `name` (other kinds are skipped).
  void add(const fs::path& full, const std::string& name) {
    struct stat info {};
    if (::lstat(full.c_str(), &info) != 0) fail("cannot read '" + full.string() + "'");
    if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode)) return;

    std::unique_ptr<archive_entry, EntryDeleter> entry(libarchive().entry_new());
    libarchive().entry_copy_stat(entry.get(), &info);
    libarchive().entry_set_pathname(entry.get(), name.c_str());
    // Ownership on the build host means nothing inside the image; keep the tar stable.
    libarchive().entry_set_uid(entry.get(), 0);
    libarchive().entry_set_gid(entry.get(), 0);
    libarchive().entry_set_nlink(entry.get(), 1);
    if (S_ISLNK(info.st_mode)) {
      std::error_code error;
      const fs::path target = fs::read_symlink(full, error);
      if (error) fail("cannot read symlink '" + full.string() + "': " + error.message());
      libarchive().entry_set_symlink(entry.get(), target.c_str());
      libarchive().entry_set_size(entry.get(), 0);
    } else if (S_ISDIR(info.st_mode)) {
      libarchive().entry_set_size(entry.get(), 0);
    }
    check(libarchive().write_header(m_archive.get(), entry.get()));
    if (S_ISREG(info.st_mode)) copy_data(full);
  }

  // Adds a regular file `name` holding `bytes`.
  void add_bytes(const std::string& name, const std::string& bytes) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(libarchive().entry_new());
    libarchive().entry_set_pathname(entry.get(), name.c_str());
    libarchive().entry_set_mode(entry.get(), AE_IFREG | 0644);
    libarchive().entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    libarchive().entry_set_uid(entry.get(), 0);
    libarchive().entry_set_gid(entry.get(), 0);
    libarchive().entry_set_nlink(entry.get(), 1);
    check(libarchive().write_header(m_archive.get(), entry.get()));
    if (!bytes.empty() && libarchive().write_data(m_archive.get(), bytes.data(), bytes.size()) < 0)
      fail(libarchive().error_string(m_archive.get()));
  }

  std::string finish() {
    check(libarchive().write_close(m_archive.get()));
    return std::move(m_output);
  }

 private:
  void copy_data(const fs::path& full) {
    std::ifstream in(full, std::ios::binary);
    if (!in) fail("cannot read '" + full.string() + "'");
    char buffer[64 * 1024];
    while (in) {
      in.read(buffer, sizeof buffer);
      const auto count = in.gcount();
      if (count > 0 && libarchive().write_data(m_archive.get(), buffer, count) < 0)
        fail(libarchive().error_string(m_archive.get()));
    }
    if (in.bad()) fail("cannot read '" + full.string() + "'");
  }

  void check(int status) {
    if (status < ARCHIVE_WARN) {
      const char* reason = libarchive().error_string(m_archive.get());
      fail(reason ? reason : "libarchive failure");
    }
  }

  [[noreturn]] void fail(const std::string& reason) {
    throw EngineError(m_what + ": " + reason, 0);
  }

  std::string m_what;
  std::string m_output;
  std::unique_ptr<archive, ArchiveDeleter> m_archive;
};

}  // namespace

DockerIgnore DockerIgnore::parse(std::string_view text) {
  DockerIgnore ignore;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::string pattern = trim(line);
    if (pattern.empty() || pattern[0] == '#') continue;
    Rule rule;
    if (pattern[0] == '!') {
      rule.exception = true;
      pattern = trim(pattern.substr(1));
    }
    rule.pattern = clean_path(pattern);
    if (!rule.pattern.empty()) ignore.m_rules.push_back(std::move(rule));
  }
  return ignore;
}

DockerIgnore DockerIgnore::load(const fs::path& context_dir) {
  std::ifstream in(context_dir / ".dockerignore", std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

bool DockerIgnore::excluded(const std::string& relative_path) const {
  const std::string path = clean_path(relative_path);
  bool excluded = false;
  for (const Rule& rule : m_rules)
    if (rule_matches(rule.pattern, path)) excluded = !rule.exception;
  return excluded;
}

bool DockerIgnore::has_exceptions() const {
  return std::any_of(m_rules.begin(), m_rules.end(), [](const Rule& r) { return r.exception; });
}

std::string make_build_context(const fs::path& context_dir, const std::string& dockerfile) {
  std::error_code error;
  if (!fs::is_directory(context_dir, error))
    throw EngineError("build context directory '" + context_dir.string() + "' does not exist", 0);
  const std::string dockerfile_path = clean_path(dockerfile.empty() ? "Dockerfile" : dockerfile);
  if (!fs::is_regular_file(context_dir / dockerfile_path, error))
    throw EngineError(
        "dockerfile '" + (context_dir / dockerfile_path).string() + "' does not exist", 0);

  const DockerIgnore ignore = DockerIgnore::load(context_dir);
  // Without '!' exceptions nothing below an excluded directory can come back, so the
  // walk does not descend into it (node_modules, .git, ...).
  const bool prune = !ignore.has_exceptions();
  std::vector<std::string> paths;
  fs::recursive_directory_iterator it(context_dir, fs::directory_options::none, error);
  if (error)
    throw EngineError("build context directory '" + context_dir.string() + "': " + error.message(),
                      0);
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    const std::string relative = it->path().lexically_relative(context_dir).generic_string();
    const bool always = relative == dockerfile_path || relative == ".dockerignore";
    if (!always && ignore.excluded(relative)) {
      if (prune && it->is_directory(error) && !it->is_symlink(error)) it.disable_recursion_pending();
      continue;
    }
    paths.push_back(relative);
  }
  if (error)
    throw EngineError("build context directory '" + context_dir.string() + "': " + error.message(),
                      0);

  // The Dockerfile must reach the engine even when its directory was pruned.
  if (std::find(paths.begin(), paths.end(), dockerfile_path) == paths.end())
    paths.push_back(dockerfile_path);

  // Directories come before their contents in sorted order; the order is stable so the
  // same context gives the same tar.
  std::sort(paths.begin(), paths.end());
  TarWriter writer("build context '" + context_dir.string() + "'");
  for (const std::string& path : paths) writer.add(context_dir / path, path);
  return writer.finish();
}

std::string make_file_tar(const std::vector<TarFile>& files) {
  TarWriter writer("copy");
  for (const TarFile& file : files) writer.add(file.source, clean_path(file.name));
  return writer.finish();
}

std::string make_bytes_tar(const std::string& name, const std::string& bytes) {
  TarWriter writer("input");
  writer.add_bytes(clean_path(name), bytes);
  return writer.finish();
}

}  // namespace boss
