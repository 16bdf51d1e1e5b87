#include "engine/endpoint_resolution.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>

#include "core/errors.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

// A docker config folder of its own, with contexts and TLS folders as the CLI writes them.
struct ConfigDir {
  fs::path dir;
  ConfigDir() {
    std::random_device random;
    dir = fs::temp_directory_path() / ("boss-ctx-" + std::to_string(random()));
    fs::create_directories(dir);
  }
  ~ConfigDir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  void write(const fs::path& relative, const std::string& text) const {
    fs::create_directories((dir / relative).parent_path());
    std::ofstream(dir / relative) << text;
  }
  // A context whose folder is `id` (the CLI uses a digest of the name; boss only scans).
  void context(const std::string& id, const std::string& name, const std::string& host, bool skip_verify = false,
               bool tls = false) const {
    write("contexts/meta/" + id + "/meta.json",
          R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host +
              R"(","SkipTLSVerify":)" + (skip_verify ? "true" : "false") + "}}}");
    if (tls)
      for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) write("contexts/tls/" + id + "/docker/" + file, "x");
  }
  void cert_files(const fs::path& relative, bool ca = true, bool cert = true, bool key = true) const {
    if (ca) write(relative / "ca.pem", "x");
    if (cert) write(relative / "cert.pem", "x");
    if (key) write(relative / "key.pem", "x");
  }
};

EnvLookup env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("endpoint resolution: nothing set is the default socket") {
  const ConfigDir config;
  const auto resolved = resolve_endpoint({}, env({}), config.dir);
  CHECK(resolved.endpoint.display() == "unix:///var/run/docker.sock");
  CHECK(resolved.origin == "default");
}

TEST_CASE("endpoint resolution: -H wins over DOCKER_HOST, which wins over contexts") {
  const ConfigDir config;
  config.context("d1", "prod", "tcp://10.0.0.9:2375");
  config.write("config.json", R"({"currentContext":"prod"})");
  CHECK(resolve_endpoint({"tcp://10.0.0.1:2375", ""}, env({{"DOCKER_HOST", "tcp://10.0.0.2:2375"}}), config.dir)
            .endpoint.host == "10.0.0.1");
  const auto from_env = resolve_endpoint({}, env({{"DOCKER_HOST", "tcp://10.0.0.2:2375"}, {"DOCKER_CONTEXT", "prod"}}),
                                         config.dir);
  CHECK(from_env.endpoint.host == "10.0.0.2");
  CHECK(from_env.origin == "DOCKER_HOST");
  // An empty DOCKER_HOST counts as unset.
  CHECK(resolve_endpoint({}, env({{"DOCKER_HOST", ""}}), config.dir).endpoint.host == "10.0.0.9");
}

TEST_CASE("endpoint resolution: DOCKER_CONTEXT, then currentContext; default means none") {
  const ConfigDir config;
  config.context("a1", "edge", "ssh://me@edge.example");
  config.context("b2", "prod", "tcp://10.0.0.9:2376", false, true);
  config.write("config.json", R"({"auths":{},"currentContext":"prod"})");

  const auto current = resolve_endpoint({}, env({}), config.dir);
  CHECK(current.endpoint.display() == "tcp://10.0.0.9:2376");
  CHECK(current.origin == "context 'prod' (currentContext of " + (config.dir / "config.json").string() + ")");
  REQUIRE(current.endpoint.tls);
  CHECK(current.endpoint.tls->verify);
  CHECK(current.endpoint.tls->ca == (config.dir / "contexts/tls/b2/docker/ca.pem").string());
  CHECK(current.endpoint.tls->key == (config.dir / "contexts/tls/b2/docker/key.pem").string());

  const auto named = resolve_endpoint({}, env({{"DOCKER_CONTEXT", "edge"}}), config.dir);
  CHECK(named.endpoint.display() == "ssh://me@edge.example");
  CHECK(named.origin == "context 'edge' (DOCKER_CONTEXT)");

  CHECK(resolve_endpoint({"", "edge"}, env({{"DOCKER_HOST", "tcp://10.0.0.2:2375"}}), config.dir).endpoint.host ==
        "edge.example");
  CHECK(resolve_endpoint({}, env({{"DOCKER_CONTEXT", "default"}}), config.dir).endpoint.display() ==
        "unix:///var/run/docker.sock");
}

TEST_CASE("endpoint resolution: a context without TLS files, or with SkipTLSVerify") {
  const ConfigDir config;
  config.context("c1", "plain", "tcp://10.0.0.3:2375");
  config.context("c2", "loose", "tcp://10.0.0.4", true, true);
  CHECK(!resolve_endpoint({"", "plain"}, env({}), config.dir).endpoint.tls);
  const auto loose = resolve_endpoint({"", "loose"}, env({}), config.dir).endpoint;
  REQUIRE(loose.tls);
  CHECK(!loose.tls->verify);
  CHECK(loose.tls->ca.empty());
  CHECK(loose.port == 2376);
}

TEST_CASE("endpoint resolution: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH") {
  const ConfigDir config;
  config.cert_files("certs");
  const auto cert_path = (config.dir / "certs").string();
  const auto verified = resolve_endpoint(
      {}, env({{"DOCKER_HOST", "tcp://10.0.0.5:2376"}, {"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", cert_path}}),
      config.dir);
  REQUIRE(verified.endpoint.tls);
  CHECK(verified.endpoint.tls->verify);
  CHECK(verified.endpoint.tls->ca == cert_path + "/ca.pem");
  CHECK(verified.endpoint.tls->cert == cert_path + "/cert.pem");
  // DOCKER_TLS without _VERIFY: encrypted, the engine's certificate not checked.
  const auto unverified =
      resolve_endpoint({}, env({{"DOCKER_HOST", "tcp://10.0.0.5"}, {"DOCKER_TLS", "1"}, {"DOCKER_CERT_PATH", cert_path}}),
                       config.dir);
  REQUIRE(unverified.endpoint.tls);
  CHECK(!unverified.endpoint.tls->verify);
  CHECK(unverified.endpoint.port == 2376);
  // Without DOCKER_CERT_PATH, the config folder holds them.
  config.cert_files(".");
  const auto in_config = resolve_endpoint({"tcp://10.0.0.5:2376", ""}, env({{"DOCKER_TLS_VERIFY", "1"}}), config.dir);
  CHECK(in_config.endpoint.tls->ca == (config.dir / "ca.pem").string());
  // Plain tcp when neither is set; TLS settings never apply to a socket.
  CHECK(!resolve_endpoint({}, env({{"DOCKER_HOST", "tcp://10.0.0.5:2375"}}), config.dir).endpoint.tls);
  CHECK(resolve_endpoint({}, env({{"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/nonexistent"}}), config.dir)
            .endpoint.kind == Endpoint::Kind::Unix);
}

TEST_CASE("endpoint resolution: missing TLS files are one line naming the endpoint and the file") {
  const ConfigDir config;
  config.cert_files("no-key", true, true, false);
  config.cert_files("no-ca", false, true, true);
  config.cert_files("no-client", true, false, false);
  auto with = [&](const std::string& dir) {
    return env({{"DOCKER_HOST", "tcp://10.0.0.5:2376"}, {"DOCKER_TLS_VERIFY", "1"},
                {"DOCKER_CERT_PATH", (config.dir / dir).string()}});
  };
  const std::string no_key = (config.dir / "no-key").string();
  CHECK_THROWS_WITH_AS(resolve_endpoint({}, with("no-key"), config.dir),
                       ("cannot use tcp://10.0.0.5:2376 (DOCKER_HOST): " + no_key + "/key.pem is missing (the key of " +
                        no_key + "/cert.pem)")
                           .c_str(),
                       DefinitionError);
  const std::string no_ca = (config.dir / "no-ca").string();
  CHECK_THROWS_WITH_AS(resolve_endpoint({}, with("no-ca"), config.dir),
                       ("cannot use tcp://10.0.0.5:2376 (DOCKER_HOST): " + no_ca +
                        "/ca.pem is missing (the CA that signed the engine's certificate, to verify it)")
                           .c_str(),
                       DefinitionError);
  // No client certificate at all is allowed: an engine that wants one says so.
  const auto anonymous = resolve_endpoint({}, with("no-client"), config.dir);
  CHECK(anonymous.endpoint.tls->cert.empty());
  CHECK(anonymous.endpoint.tls->key.empty());
}

TEST_CASE("endpoint resolution: a context that is not there, and -H with --context") {
  const ConfigDir config;
  config.write("config.json", R"({"currentContext":"gone"})");
  CHECK_THROWS_WITH_AS(resolve_endpoint({}, env({}), config.dir),
                       ("docker context 'gone' (currentContext of " + (config.dir / "config.json").string() +
                        ") does not exist in " + (config.dir / "contexts").string() + " (docker context ls lists them)")
                           .c_str(),
                       DefinitionError);
  CHECK_THROWS_WITH_AS(resolve_endpoint({"tcp://h:1", "x"}, env({}), config.dir),
                       "-H/--host and --context name two engines: give one of them", DefinitionError);
  config.write("contexts/meta/zz/meta.json", "{not json");
  CHECK_THROWS_AS(resolve_endpoint({"", "other"}, env({}), config.dir), DefinitionError);
}

}  // TEST_SUITE
