// YAML files as a plain tree whose every node knows where it was written, so that each
// message about a file can name file:line:column. Reading compose files and copili's
// pipelines both start here; yaml-cpp (libyaml-cpp) parses, and stays inside yaml/.
//
// What the tree settles that yaml-cpp leaves open: merge keys (`<<: *base`, also a list
// of them) are resolved, keys written in the map win over merged ones, earlier merged
// maps over later ones; a key written twice in one map is an error; anchors and aliases
// are copies. Only the first document of a file is read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boss::yaml {

struct Node {
  // Declared here, defined in yaml_tree.cpp: an implicit one would make clang instantiate
  // std::pair<Node, Node> (entries) while Node is still incomplete, and refuse the file.
  Node();

  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  // A scalar's text (after YAML's own quoting and escapes).
  std::string text;
  // The scalar was written without quotes, so `true`, `3` or `null` mean those; a quoted
  // "true" is only text. (A null node is plain too.)
  bool plain = true;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::vector<Node> items;                      // sequence
  std::vector<std::pair<Node, Node>> entries;   // map: key, value, as written (merged keys after)

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }
  // A map's value under a scalar key, or nullptr (also when this is no map).
  const Node* find(std::string_view key) const;
  // "a string", "a list", "a mapping", "null": what a message says the node is.
  std::string kind_text() const;
};

// A parsed file: its root and the name messages give it (the path as the user wrote it).
struct Document {
  std::string file;
  Node root;

  // "compose.yaml:12:5"
  std::string where(const Node& node) const;
  // Throws DefinitionError "compose.yaml:12:5: <message>".
  [[noreturn]] void fail(const Node& node, const std::string& message) const;

  // Typed reads of a node; each throws DefinitionError at the node naming `what`
  // ("'init' must be true or false, got a list"). Booleans take true/false and, as
  // YAML 1.1 had them, yes/no/on/off (any case); integers are decimal.
  std::string scalar(const Node& node, const std::string& what) const;
  bool boolean(const Node& node, const std::string& what) const;
  long long integer(const Node& node, const std::string& what) const;
  const Node& map(const Node& node, const std::string& what) const;
  const Node& sequence(const Node& node, const std::string& what) const;
};

// Parses `text`. Throws DefinitionError "FILE:LINE:COLUMN: what yaml-cpp says".
Document parse(const std::string& text, const std::string& file);
// Reads and parses the file at `path`, named `file` in messages. A file that cannot be
// read is a DefinitionError naming it.
Document load(const std::filesystem::path& path, const std::string& file);

}  // namespace boss::yaml
