#include "cli/command_line.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace boss;

namespace {

Parsed parse(std::vector<std::string> words) {
  words.insert(words.begin(), "boss");
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(words.size()), argv.data());
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("command line: exec takes everything after the service as the command") {
  const Parsed parsed = parse({"-p", "todo", "exec", "-T", "--instance", "1", "db", "psql", "-U", "app", "--help"});
  REQUIRE(parsed.outcome == Parsed::Outcome::run);
  const Options& opt = parsed.options;
  CHECK(opt.command == "exec");
  CHECK(opt.project == "todo");
  CHECK(opt.services == Words{"db"});
  CHECK(opt.no_tty);
  CHECK(opt.instance == 1);
  CHECK(opt.argv == Words{"psql", "-U", "app", "--help"});
}

TEST_CASE("command line: a -- before or after the service is not part of the command") {
  CHECK(parse({"exec", "db", "--", "ls", "-l"}).options.argv == Words{"ls", "-l"});
  CHECK(parse({"exec", "--", "db", "ls", "--", "x"}).options.argv == Words{"ls", "--", "x"});
  CHECK(parse({"exec", "--", "db", "ls"}).options.services == Words{"db"});
}

TEST_CASE("command line: exec without a command, or without a service, is a usage error") {
  CHECK(parse({"exec", "db"}).exit_code == 2);
  CHECK(parse({"exec", "-T"}).exit_code == 2);
  CHECK(parse({"exec", "--instance", "0", "db", "true"}).exit_code == 2);
}

TEST_CASE("command line: run's options, -e pairs and an optional command") {
  const Parsed parsed =
      parse({"run", "--no-deps", "--keep", "--publish", "-e", "A=1", "--env=B=x=y", "-e", "A=2", "web", "-e", "C=3"});
  REQUIRE(parsed.outcome == Parsed::Outcome::run);
  const Options& opt = parsed.options;
  CHECK(opt.command == "run");
  CHECK(opt.services == Words{"web"});
  CHECK(opt.no_deps);
  CHECK(opt.keep);
  CHECK(opt.publish);
  CHECK(opt.env == std::map<std::string, std::string>{{"A", "2"}, {"B", "x=y"}});
  CHECK(opt.argv == Words{"-e", "C=3"});  // after the service: the command's

  const Parsed bare = parse({"run", "web"});
  REQUIRE(bare.outcome == Parsed::Outcome::run);
  CHECK(bare.options.argv.empty());
  CHECK_FALSE(bare.options.no_deps);
}

TEST_CASE("command line: run -e needs KEY=VALUE") {
  CHECK(parse({"run", "-e", "NOEQUALS", "web"}).exit_code == 2);
  CHECK(parse({"run", "-e", "=v", "web"}).exit_code == 2);
}

TEST_CASE("command line: other commands are parsed as before") {
  const Parsed parsed = parse({"start", "web", "db"});
  REQUIRE(parsed.outcome == Parsed::Outcome::run);
  CHECK(parsed.options.argv.empty());
}
