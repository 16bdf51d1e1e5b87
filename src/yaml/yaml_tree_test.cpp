#include "yaml/yaml_tree.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

TEST_CASE("yaml: nodes know their line and column, and whether a scalar was quoted") {
  const auto doc = yaml::parse("a: 1\nb:\n  - x\n  - 'true'\nc:\nd: ~\n", "f.yaml");
  REQUIRE(doc.root.is_map());
  const yaml::Node* b = doc.root.find("b");
  REQUIRE(b);
  REQUIRE(b->is_sequence());
  CHECK(doc.where(b->items[1]) == "f.yaml:4:5");
  CHECK_FALSE(b->items[1].plain);
  CHECK(b->items[0].plain);
  CHECK(doc.root.find("c")->is_null());
  CHECK(doc.where(*doc.root.find("c")) == "f.yaml:5:1");
  CHECK(doc.root.find("d")->is_null());
  CHECK(doc.integer(*doc.root.find("a"), "'a'") == 1);
  CHECK_THROWS_WITH_AS(doc.boolean(b->items[1], "'x'"), "f.yaml:4:5: 'x' must be true or false, got 'true'",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(doc.scalar(*b, "'b'"), "f.yaml:3:3: 'b' must be a string, got a list", DefinitionError);
  CHECK(doc.boolean(yaml::parse("yes", "g").root, "x"));
  CHECK_FALSE(doc.boolean(yaml::parse("Off", "g").root, "x"));
}

TEST_CASE("yaml: merge keys, keys written in the map winning") {
  const auto doc = yaml::parse(R"(base: &base
  image: busybox
  user: "1"
more: &more
  user: "2"
  init: true
web:
  <<: [*base, *more]
  user: "3"
)", "c.yaml");
  const yaml::Node* web = doc.root.find("web");
  REQUIRE(web);
  REQUIRE(web->entries.size() == 3);
  CHECK(web->find("user")->text == "3");
  CHECK(web->find("image")->text == "busybox");
  CHECK(web->find("init")->text == "true");
}

TEST_CASE("yaml: syntax errors, duplicate keys and bad merges name file:line:column") {
  CHECK_THROWS_WITH_AS(yaml::parse("a: [1, 2\nb: 3", "c.yaml"), "c.yaml:2:2: end of sequence flow not found",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(yaml::parse("a: 1\nb: 2\na: 3\n", "c.yaml"),
                       "c.yaml:3:1: key 'a' is written twice in this mapping (first at line 1)", DefinitionError);
  CHECK_THROWS_WITH_AS(yaml::parse("a:\n  <<: 3\n", "c.yaml"),
                       "c.yaml:2:7: a merge key '<<' takes a mapping or a list of mappings, got a string",
                       DefinitionError);
  CHECK_THROWS_WITH_AS(yaml::load("/nonexistent/compose.yaml", "compose.yaml"),
                       "cannot read 'compose.yaml': No such file or directory", DefinitionError);
  const auto empty = yaml::parse("", "e.yaml");
  CHECK(empty.root.is_null());
  CHECK(empty.where(empty.root) == "e.yaml:1:1");
}
