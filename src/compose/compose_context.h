// What every part of the compose reader shares while it reads one file: the document,
// the variables `${...}` is filled from, and the warnings for keys boss does not support.
#pragma once

#include <string>
#include <vector>

#include "core/interpolate.h"
#include "yaml/yaml_tree.h"

namespace boss::compose {

class Context {
 public:
  Context(const yaml::Document& doc, EnvLookup variables) : m_doc(doc), m_variables(std::move(variables)) {}

  const yaml::Document& doc() const { return m_doc; }
  const EnvLookup& variables() const { return m_variables; }

  // A scalar's text with compose's interpolation applied ("${TAG:-dev}", "$$"). Throws
  // DefinitionError at the node: "compose.yaml:7:12: 'image': TAG: must be set".
  std::string text(const yaml::Node& node, const std::string& what) const;
  // Interpolated, then read as YAML would type it: true/false, an integer.
  bool boolean(const yaml::Node& node, const std::string& what) const;
  long long integer(const yaml::Node& node, const std::string& what) const;
  [[noreturn]] void fail(const yaml::Node& node, const std::string& message) const { m_doc.fail(node, message); }

  // "compose.yaml:12:5: <message>", kept for the reader's caller to show.
  void warn(const yaml::Node& node, const std::string& message) {
    m_warnings.push_back({node.line, node.column, m_doc.where(node) + ": " + message});
  }
  // In the order of the file.
  std::vector<std::string> take_warnings();

 private:
  yaml::Node interpolated(const yaml::Node& node, const std::string& what) const;

  const yaml::Document& m_doc;
  EnvLookup m_variables;
  struct Warning {
    int line;
    int column;
    std::string text;
  };
  std::vector<Warning> m_warnings;
};

}  // namespace boss::compose
