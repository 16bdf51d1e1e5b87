#include "core/env_file.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"

using namespace boss;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

EnvLookup environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Pairs parse(const std::string& text, std::map<std::string, std::string> env = {}) {
  return parse_env_file(text, ".env", environment(std::move(env)));
}

std::string value_of(const std::string& text, std::map<std::string, std::string> env = {}) {
  const auto pairs = parse(text, std::move(env));
  REQUIRE(pairs.size() == 1);
  return pairs.front().second;
}

std::string error_of(const std::string& text, std::map<std::string, std::string> env = {}) {
  try {
    parse(text, std::move(env));
  } catch (const DefinitionError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("env_file: assignments, comments and blank lines") {
  CHECK(parse("") == Pairs{});
  CHECK(parse("\n\n   \n\t\n") == Pairs{});
  CHECK(parse("# a comment\n  # indented comment\n") == Pairs{});
  CHECK(parse("A=1\nB=two\n") == Pairs{{"A", "1"}, {"B", "two"}});
  CHECK(parse("A=1") == Pairs{{"A", "1"}});  // no final newline
  CHECK(parse("A=1\r\nB=2\r\n") == Pairs{{"A", "1"}, {"B", "2"}});
  CHECK(parse("export A=1\n") == Pairs{{"A", "1"}});
  CHECK(parse("export\tA=1\n") == Pairs{{"A", "1"}});
  CHECK(parse("export=1\n") == Pairs{{"export", "1"}});  // a variable named export
  CHECK(parse("  A = 1  \n") == Pairs{{"A", "1"}});
  CHECK(parse("A=\n") == Pairs{{"A", ""}});
  CHECK(parse("A=1\nA=2\n") == Pairs{{"A", "1"}, {"A", "2"}});  // the later one wins in the map
  CHECK(parse("my.key-1=x\n_A=y\n") == Pairs{{"my.key-1", "x"}, {"_A", "y"}});
}

TEST_CASE("env_file: unquoted values") {
  CHECK(value_of("A=hello world") == "hello world");
  CHECK(value_of("A=value # a comment") == "value");
  CHECK(value_of("A=value\t# a comment") == "value");
  CHECK(value_of("A=a#b") == "a#b");
  CHECK(value_of("A=#b") == "#b");
  CHECK(value_of("A= # only a comment") == "");
  CHECK(value_of("A=it's") == "it's");
  CHECK(value_of("A=say \"hi\"") == "say \"hi\"");
  CHECK(value_of("A=back\\slash\\n") == "back\\slash\\n");  // no escapes unquoted
  CHECK(value_of("A=x=y=z") == "x=y=z");
  CHECK(value_of("A=  spaced   ") == "spaced");
}

TEST_CASE("env_file: single quotes are literal") {
  CHECK(value_of("A='$HOME ${X} \\n # not a comment'") == "$HOME ${X} \\n # not a comment");
  CHECK(value_of("A=''") == "");
  CHECK(value_of("A='x' # comment") == "x");
  CHECK(value_of("A='x'   ") == "x");
  CHECK(value_of("A='a \"b\"'") == "a \"b\"");
  CHECK(parse("A='line 1\nline 2'\nB=3") == Pairs{{"A", "line 1\nline 2"}, {"B", "3"}});
}

TEST_CASE("env_file: double quotes have escapes and interpolation") {
  CHECK(value_of("A=\"a\\nb\"") == "a\nb");
  CHECK(value_of("A=\"tab\\there\\r\"") == "tab\there\r");
  CHECK(value_of("A=\"say \\\"hi\\\"\"") == "say \"hi\"");
  CHECK(value_of("A=\"back\\\\slash\"") == "back\\slash");
  CHECK(value_of("A=\"\\$HOME\"", {{"HOME", "/root"}}) == "$HOME");
  CHECK(value_of("A=\"\\q\"") == "\\q");  // an unknown escape stays as written
  CHECK(value_of("A=\"$HOME/x\"", {{"HOME", "/root"}}) == "/root/x");
  CHECK(value_of("A=\"# not a comment\"") == "# not a comment");
  CHECK(value_of("A=\"x\" # comment") == "x");
  CHECK(value_of("A=\"\"") == "");
  CHECK(value_of("A=\"it's\"") == "it's");
  CHECK(parse("A=\"1\n2\"\nB=3") == Pairs{{"A", "1\n2"}, {"B", "3"}});
  CHECK(value_of(std::string("A=\"nul\\") + '\0' + "\"") == std::string("nul\\") + '\0');
}

TEST_CASE("env_file: interpolation") {
  const std::map<std::string, std::string> env = {{"HOST", "db"}, {"EMPTY", ""}};
  CHECK(value_of("A=${HOST}:5432", env) == "db:5432");
  CHECK(value_of("A=$HOST:5432", env) == "db:5432");
  CHECK(value_of("A=${MISSING}x", env) == "x");
  CHECK(value_of("A=$MISSING", env) == "");
  CHECK(value_of("A=${MISSING:-dflt}", env) == "dflt");
  CHECK(value_of("A=${EMPTY:-dflt}", env) == "dflt");
  CHECK(value_of("A=${EMPTY-dflt}", env) == "");
  CHECK(value_of("A=${MISSING-dflt}", env) == "dflt");
  CHECK(value_of("A=${HOST:-dflt}", env) == "db");
  CHECK(value_of("A=${HOST:+alt}", env) == "alt");
  CHECK(value_of("A=${EMPTY:+alt}", env) == "");
  CHECK(value_of("A=${EMPTY+alt}", env) == "alt");
  CHECK(value_of("A=${MISSING+alt}", env) == "");
  CHECK(value_of("A=${MISSING:-${HOST}}", env) == "db");
  CHECK(value_of("A=${MISSING:-${OTHER:-deep}}", env) == "deep");
  CHECK(value_of("A=${MISSING:-a b}", env) == "a b");
  CHECK(value_of("A=\"${MISSING:-x\\ny}\"", env) == "x\ny");
  CHECK(value_of("A=price: 5$", env) == "price: 5$");
  CHECK(value_of("A=$1 and $ and $-", env) == "$1 and $ and $-");
  CHECK(value_of("A=${HOST:?needed}", env) == "db");
}

TEST_CASE("env_file: earlier lines feed later ones; the environment wins") {
  CHECK(parse("A=1\nB=${A}2\n") == Pairs{{"A", "1"}, {"B", "12"}});
  CHECK(parse("A=1\nA=${A}${A}\n") == Pairs{{"A", "1"}, {"A", "11"}});
  CHECK(parse("A=file\nB=$A\n", {{"A", "env"}}) == Pairs{{"A", "file"}, {"B", "env"}});
  CHECK(parse("B=$A\nA=1\n") == Pairs{{"B", ""}, {"A", "1"}});  // not yet set
}

TEST_CASE("env_file: errors name file:line, one line") {
  CHECK(error_of("A=1\nB\n") == ".env:2: 'B' has no '=' (expected KEY=value)");
  CHECK(error_of("A=1\n\n=x\n") == ".env:3: expected a variable name, got '='");
  CHECK(error_of("1A=x") == ".env:1: invalid variable name '1A'");
  CHECK(error_of("A B=x") == ".env:1: expected '=' after 'A', got 'B'");
  CHECK(error_of("export\n") == ".env:1: 'export' has no '=' (expected KEY=value)");
  CHECK(error_of("export  \n") == ".env:1: expected a variable name after 'export'");
  CHECK(error_of("A='abc\nB=2\n") == ".env:1: unterminated single quote");
  CHECK(error_of("X=1\nA=\"abc\nB=2\n") == ".env:2: unterminated double quote");
  CHECK(error_of("A=\"abc\\\"") == ".env:1: unterminated double quote");
  CHECK(error_of("A='x' y") == ".env:1: unexpected 'y' after the closing quote");
  CHECK(error_of("A=\"x\"y") == ".env:1: unexpected 'y' after the closing quote");
  CHECK(error_of("A=${B") == ".env:1: unterminated '${' in value");
  CHECK(error_of("A=${}") == ".env:1: invalid variable name in '${}'");
  CHECK(error_of("A=${1x}") == ".env:1: invalid variable name in '${1x}'");
  CHECK(error_of("A=${B/x/y}") ==
        ".env:1: unsupported '${B/x/y}' (expected ${NAME}, ${NAME:-default}, ${NAME-default}, ...)");
  CHECK(error_of("A=${B:?B is required}") == ".env:1: B: B is required");
  CHECK(error_of("A=${B?}") == ".env:1: B: not set");
  CHECK(error_of("A=${B:?}", {{"B", ""}}) == ".env:1: B: not set or empty");
  // A multi-line value moves the line count on.
  CHECK(error_of("A='1\n2\n3'\nB\n") == ".env:4: 'B' has no '=' (expected KEY=value)");
  CHECK(error_of("A=\"1\n2\"\n\nB\n") == ".env:4: 'B' has no '=' (expected KEY=value)");
  CHECK(error_of("A=${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-${J:-${K:-${L:-${M:-${N:-${O:-${P:-${Q:-${R:-${S:-${T:-"
                 "${U:-${V:-${W:-x}}}}}}}}}}}}}}}}}}}}}}") == ".env:1: interpolation nested too deeply");
}

TEST_CASE("env_file: read_env_files") {
  const auto dir = std::filesystem::temp_directory_path() / ("boss-env-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const auto first = write("a.env", "A=1\nB=first\n");
  const auto second = write("b.env", "B=second\nC=${A}${B}\n");
  SUBCASE("later files win and see the earlier ones") {
    const auto values = read_env_files({first, second}, environment({}));
    CHECK(values == std::map<std::string, std::string>{{"A", "1"}, {"B", "second"}, {"C", "1second"}});
  }
  SUBCASE("the environment is what interpolation sees first") {
    const auto values = read_env_files({first, second}, environment({{"B", "env"}}));
    CHECK(values.at("C") == "1env");
  }
  SUBCASE("a missing file is an error naming it") {
    const auto missing = (dir / "missing.env").string();
    CHECK_THROWS_WITH_AS(read_env_files({missing}, environment({})),
                         ("cannot read env file '" + missing + "': No such file or directory").c_str(),
                         DefinitionError);
    CHECK_THROWS_WITH_AS(read_env_files({dir.string()}, environment({})),
                         ("cannot read env file '" + dir.string() + "': it is a folder").c_str(), DefinitionError);
  }
  SUBCASE("an error names the file") {
    const auto bad = write("bad.env", "OK=1\nnope\n");
    CHECK_THROWS_WITH_AS(read_env_files({first, bad}, environment({})),
                         (bad + ":2: 'nope' has no '=' (expected KEY=value)").c_str(), DefinitionError);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("env_file: control characters in messages are escaped, so an error stays one printable line") {
  CHECK(error_of(std::string("A\x01=1")) == ".env:1: expected '=' after 'A', got '\\x01'");
  CHECK(error_of(std::string("\x7f") + "=1") == ".env:1: expected a variable name, got '\\x7f'");
  CHECK(error_of("A='x'\ty\n") == ".env:1: unexpected 'y' after the closing quote");
  CHECK(error_of("A=${B:?line\tone}") == ".env:1: B: line\\x09one");
  CHECK(value_of(std::string("A=caf\xc3\xa9")) == "caf\xc3\xa9");  // UTF-8 passes through
}
