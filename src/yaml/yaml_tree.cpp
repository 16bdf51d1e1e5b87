#include "yaml/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace boss::yaml {

Node::Node() = default;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string position(const std::string& file, int line, int column) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// yaml-cpp's nodes into ours. Aliases are followed (copied); `depth` stops a document
// that nests without end (yaml-cpp itself refuses alias cycles).
class Converter {
 public:
  explicit Converter(const std::string& file) : m_file(file) {}

  Node convert(const YAML::Node& in, int depth = 0) {
    if (depth > 200) throw DefinitionError(position(m_file, in.Mark().line + 1, in.Mark().column + 1) + ": nested too deeply");
    Node out;
    out.line = in.Mark().line + 1;
    out.column = in.Mark().column + 1;
    switch (in.Type()) {
      case YAML::NodeType::Scalar:
        out.kind = Node::Kind::scalar;
        out.text = in.Scalar();
        out.plain = in.Tag() != "!";
        break;
      case YAML::NodeType::Sequence:
        out.kind = Node::Kind::sequence;
        for (const auto& item : in) out.items.push_back(convert(item, depth + 1));
        break;
      case YAML::NodeType::Map:
        out.kind = Node::Kind::map;
        convert_map(in, out, depth);
        break;
      default:
        out.kind = Node::Kind::null;
        break;
    }
    return out;
  }

 private:
  void convert_map(const YAML::Node& in, Node& out, int depth) {
    std::vector<Node> merged;  // the maps of `<<`, in order
    for (const auto& entry : in) {
      Node key = convert(entry.first, depth + 1);
      Node value = convert(entry.second, depth + 1);
      // An empty value's mark is the next token's (often on the next line): a null is
      // placed where its key is.
      if (value.is_null()) {
        value.line = key.line;
        value.column = key.column;
      }
      if (key.is_scalar() && key.plain && key.text == "<<") {
        if (value.is_map()) {
          merged.push_back(std::move(value));
        } else if (value.is_sequence()) {
          for (auto& item : value.items) {
            if (!item.is_map()) fail(item, "a merge key '<<' takes mappings, got " + item.kind_text());
            merged.push_back(std::move(item));
          }
        } else {
          fail(value, "a merge key '<<' takes a mapping or a list of mappings, got " + value.kind_text());
        }
        continue;
      }
      if (key.is_scalar())
        if (out.find(key.text))
          fail(key, "key '" + key.text + "' is written twice in this mapping (first at line " +
                        std::to_string(first_key_line(out, key.text)) + ")");
      out.entries.emplace_back(std::move(key), std::move(value));
    }
    for (auto& source : merged)
      for (auto& [key, value] : source.entries)
        if (!key.is_scalar() || !out.find(key.text)) out.entries.emplace_back(key, value);
  }

  static int first_key_line(const Node& map, const std::string& key) {
    for (const auto& [k, v] : map.entries)
      if (k.is_scalar() && k.text == key) return k.line;
    return 0;
  }

  [[noreturn]] void fail(const Node& node, const std::string& message) const {
    throw DefinitionError(position(m_file, node.line, node.column) + ": " + message);
  }

  const std::string& m_file;
};

}  // namespace

const Node* Node::find(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k.is_scalar() && k.text == key) return &v;
  return nullptr;
}

std::string Node::kind_text() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::scalar: return "a string";
    case Kind::sequence: return "a list";
    case Kind::map: return "a mapping";
  }
  return "?";
}

std::string Document::where(const Node& node) const { return position(file, node.line, node.column); }

void Document::fail(const Node& node, const std::string& message) const {
  throw DefinitionError(where(node) + ": " + message);
}

std::string Document::scalar(const Node& node, const std::string& what) const {
  if (!node.is_scalar()) fail(node, what + " must be a string, got " + node.kind_text());
  return node.text;
}

bool Document::boolean(const Node& node, const std::string& what) const {
  if (node.is_scalar() && node.plain) {
    const std::string word = lower(node.text);
    if (word == "true" || word == "yes" || word == "on") return true;
    if (word == "false" || word == "no" || word == "off") return false;
  }
  fail(node, what + " must be true or false, got " + (node.is_scalar() ? "'" + node.text + "'" : node.kind_text()));
}

long long Document::integer(const Node& node, const std::string& what) const {
  if (node.is_scalar()) {
    const std::string& text = node.text;
    std::size_t start = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    const bool digits = text.size() > start && text.size() - start <= 18 &&
                        std::all_of(text.begin() + start, text.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digits) return std::stoll(text);
  }
  fail(node, what + " must be an integer, got " + (node.is_scalar() ? "'" + node.text + "'" : node.kind_text()));
}

const Node& Document::map(const Node& node, const std::string& what) const {
  if (!node.is_map()) fail(node, what + " must be a mapping, got " + node.kind_text());
  return node;
}

const Node& Document::sequence(const Node& node, const std::string& what) const {
  if (!node.is_sequence()) fail(node, what + " must be a list, got " + node.kind_text());
  return node;
}

Document parse(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw DefinitionError(position(file, e.mark.line + 1, e.mark.column + 1) + ": " + e.msg);
  }
  Document doc;
  doc.file = file;
  doc.root = Converter(doc.file).convert(root);
  if (doc.root.line == 0) doc.root.line = doc.root.column = 1;  // an empty document
  return doc;
}

Document load(const std::filesystem::path& path, const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw DefinitionError("cannot read '" + file + "': it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DefinitionError("cannot read '" + file + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file);
}

}  // namespace boss::yaml
