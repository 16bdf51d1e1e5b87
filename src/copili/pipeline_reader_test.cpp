#include "copili/pipeline_reader.h"

#include <doctest/doctest.h>

#include "core/errors.h"
#include "core/validate.h"

namespace boss {
namespace {

PipelineProject read(const std::string& text, std::map<std::string, std::string> env = {}) {
  PipelineInput input;
  input.environment = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return read_pipeline_text(text, "/p/pipeline.yaml", input);
}

TEST_CASE("copili pipeline: descriptions become jobs; dependency spelling, tag, ENV exclusion, volumes") {
  const auto out = read(R"(My_Pipeline:
  - name: a_1
    image_repo: team/img
    tag: "2"
    env_vars: { X: $V }
    volumes: { ./data: { bind: /data, mode: ro }, cache: { bind: /c } }
  - name: b
    repo: img
    dependency: [a_1, skipped]
    command: "run --fast"
  - name: skipped
    image_repo: img
    exlude_in_env: [PROD]
)", {{"V", "v"}, {"ENV", "PROD"}});
  CHECK(out.project.name == "my_pipeline");
  REQUIRE(out.project.services.size() == 2);
  const auto& a = out.project.services[0];
  CHECK(a.is_job);
  CHECK(a.image == "team/img:2");
  CHECK(a.env.at("X") == "v");
  REQUIRE(a.volumes.size() == 2);
  CHECK(a.volumes[0].source == "/p/data");
  CHECK(a.volumes[0].mode == "ro");
  CHECK(a.volumes[1].named);
  const auto& b = out.project.services[1];
  CHECK(b.image == "img:latest");
  CHECK(b.dependencies == std::vector<std::string>{"a_1"});
  CHECK(*b.cmd == std::vector<std::string>{"run", "--fast"});
  CHECK(out.excluded == std::vector<std::string>{"skipped"});
}

TEST_CASE("copili pipeline: sidecars are descriptions of their own, named by their jobs") {
  const auto out = read("P:\n  - name: a\n    image_repo: i\n    sidecars:\n      - {name: redis01, image_repo: redis, env_vars: {X: $HOME_X}}\n"
                        "  - name: b\n    image_repo: i\n    sidecars: [{name: redis01, image_repo: redis, env_vars: {X: $HOME_X}}]\n"
                        "    image_reg_username: u\n    image_reg_password: ${REG_PASS}\n",
                        {{"REG_PASS", "secret"}, {"HOME_X", "x"}});
  REQUIRE(out.project.services.size() == 2);
  CHECK(out.project.services[0].sidecars == std::vector<std::string>{"redis01"});
  CHECK(out.project.services[1].sidecars == std::vector<std::string>{"redis01"});
  REQUIRE(out.project.sidecars.size() == 1);  // described alike twice: one sidecar
  const auto& sidecar = out.project.sidecars[0];
  CHECK(sidecar.name == "redis01");
  CHECK(sidecar.image == "redis:latest");
  CHECK_FALSE(sidecar.is_job);
  CHECK(sidecar.defined_at == "/p/pipeline.yaml:5:16");
  CHECK(out.password_variables == std::map<std::string, std::string>{{"b", "REG_PASS"}});
  CHECK_NOTHROW(validate_project(out.project));
}

TEST_CASE("copili pipeline: unknown keys and bad sidecars are errors at file:line:column") {
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    tga: x\n"),
                       doctest::Contains("pipeline.yaml:4:5: 'a': unknown key 'tga'"), DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    sidecars: [{name: r, image_repo: redis, dependencies: [a]}]\n"),
                       doctest::Contains("pipeline.yaml:4:45: 'a': sidecar 'r': 'dependencies' is not for a sidecar"),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    sidecars: [{image_repo: redis}]\n"),
                       doctest::Contains("pipeline.yaml:4:16: 'a': 'sidecars': container description without 'name'"),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    sidecars: [{name: r, image_repo: redis}]\n"
                            "  - name: b\n    image_repo: i\n    sidecars: [{name: r, image_repo: valkey}]\n"),
                       doctest::Contains("pipeline.yaml:7:16: 'b': 'sidecars': sidecar 'r' is described differently at /p/pipeline.yaml:4:23"),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n"), doctest::Contains("'image_repo' is missing"), DefinitionError);
  // Found by fuzz/copili.cpp: a ':' in a dict-form volume's path cannot be carried to the
  // engine's binds (nor written back by boss convert).
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    volumes: { ./d:x: { bind: /data } }\n"),
                       doctest::Contains("pipeline.yaml:4:23: 'a': 'volumes../d:x': the path './d:x' holds ':'"),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    volumes: { ./d: { bind: '/da:ta' } }\n"),
                       doctest::Contains("the path '/da:ta' holds ':'"), DefinitionError);
}

TEST_CASE("copili pipeline: service containers are scheduled jobs, daily at 00:00 or by their schedule") {
  const auto out = read(R"(P:
  - name: once
    image_repo: i
  - name: nightly
    image_repo: i
    is_service_container: true
  - name: often
    image_repo: i
    is_service_container: true
    schedule: "*/10 * * * *"
)");
  CHECK_FALSE(out.project.services[0].job.schedule.scheduled());
  CHECK(out.project.services[1].job.schedule.cron == "0 0 * * *");
  CHECK(out.project.services[2].job.schedule.cron == "*/10 * * * *");
  CHECK(out.service_containers == std::vector<std::string>{"nightly", "often"});
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    is_service_container: true\n    schedule: '* * *'\n"),
                       doctest::Contains("pipeline.yaml:5:15: 'a': 'schedule' has 3 fields"), DefinitionError);
  CHECK_THROWS_WITH_AS(read("P:\n  - name: a\n    image_repo: i\n    schedule: '@daily'\n"),
                       doctest::Contains("pipeline.yaml:4:15: 'a': 'schedule' is for descriptions with "
                                         "is_service_container: true"),
                       DefinitionError);
}

}  // namespace
}  // namespace boss
