#include "platform/docker_credentials.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "core/errors.h"
#include "platform/credential_helper.h"

namespace boss {
namespace {

namespace fs = std::filesystem;

// A DOCKER_CONFIG-like folder with a config.json, removed afterwards.
struct ConfigDir {
  fs::path dir;
  explicit ConfigDir(const std::string& config_json = "") {
    std::random_device random;
    dir = fs::temp_directory_path() / ("boss-dcfg-" + std::to_string(random()));
    fs::create_directories(dir);
    if (!config_json.empty()) std::ofstream(dir / "config.json") << config_json;
  }
  ~ConfigDir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  fs::path file() const { return dir / "config.json"; }
};

// A helper runner that answers from a table and records what it was asked.
struct FakeHelpers {
  std::vector<std::string> asked;
  DockerConfigCredentials::HelperFn fn() {
    return [this](const std::string& name, const std::string& server) -> std::optional<RegistryAuth> {
      asked.push_back(name + " " + server);
      if (name == "none") return std::nullopt;
      return RegistryAuth{name + "-user", name + "-secret", ""};
    };
  }
};

}  // namespace

TEST_CASE("docker config: config keys match by host; Docker Hub has its aliases") {
  CHECK(config_key_host("https://index.docker.io/v1/") == "docker.io");
  CHECK(config_key_host("index.docker.io") == "docker.io");
  CHECK(config_key_host("registry-1.docker.io") == "docker.io");
  CHECK(config_key_host("docker.io") == "docker.io");
  CHECK(config_key_host("http://127.0.0.1:5000/v2/") == "127.0.0.1:5000");
  CHECK(config_key_host("registry.example.com") == "registry.example.com");
}

TEST_CASE("docker config: auths give base64 user:password, or username and password, or a token") {
  ConfigDir config(R"({
    "auths": {
      "127.0.0.1:5000": {"auth": "YWxpY2U6czNjcjN0OndpdGg6Y29sb25z"},
      "https://registry.example.com/v2/": {"username": "bob", "password": "pw"},
      "https://index.docker.io/v1/": {"auth": "", "identitytoken": "tok"},
      "empty.example.com": {}
    },
    "otherSetting": true
  })");
  DockerConfigCredentials credentials(config.file());
  CHECK(credentials.find("127.0.0.1:5000") == RegistryAuth{"alice", "s3cr3t:with:colons", ""});
  CHECK(credentials.find("registry.example.com") == RegistryAuth{"bob", "pw", ""});
  CHECK(credentials.find("docker.io") == RegistryAuth{"", "", "tok"});
  CHECK_FALSE(credentials.find("empty.example.com").has_value());
  CHECK_FALSE(credentials.find("127.0.0.1:5001").has_value());
}

TEST_CASE("docker config: credHelpers win for their host, credsStore serves the others, then auths") {
  ConfigDir config(R"({
    "auths": {"127.0.0.1:5000": {"auth": "YTpi"}, "plain.example.com": {"auth": "YzpkCg=="}},
    "credHelpers": {"127.0.0.1:5000": "local", "https://index.docker.io/v1/": "hub"},
    "credsStore": "none"
  })");
  FakeHelpers helpers;
  DockerConfigCredentials credentials(config.file(), helpers.fn());
  CHECK(credentials.find("127.0.0.1:5000") == RegistryAuth{"local-user", "local-secret", ""});
  CHECK(credentials.find("docker.io") == RegistryAuth{"hub-user", "hub-secret", ""});
  // The store has nothing for it: the file's entry is used.
  CHECK(credentials.find("plain.example.com") == RegistryAuth{"c", "d\n", ""});
  // Each registry is asked once.
  CHECK(credentials.find("127.0.0.1:5000").has_value());
  CHECK(helpers.asked ==
        std::vector<std::string>{"local 127.0.0.1:5000", "hub https://index.docker.io/v1/", "none plain.example.com"});
}

TEST_CASE("docker config: no file means no credentials; a bad one is an error naming it, never a secret") {
  ConfigDir missing;
  CHECK_FALSE(DockerConfigCredentials(missing.file()).find("127.0.0.1:5000").has_value());

  ConfigDir broken("{not json");
  CHECK_THROWS_WITH_AS(DockerConfigCredentials(broken.file()).find("h"),
                       (broken.file().string() + ": not a JSON object (the docker CLI's config)").c_str(), EngineError);

  ConfigDir bad_auth(R"({"auths": {"h:1": {"auth": "c2VjcmV0LXdpdGhvdXQtY29sb24="}}})");
  CHECK_THROWS_WITH_AS(DockerConfigCredentials(bad_auth.file()).find("h:1"),
                       (bad_auth.file().string() + ": auths entry 'h:1': 'auth' is not base64 of user:password").c_str(),
                       EngineError);
}

TEST_CASE("docker config: the file is $DOCKER_CONFIG/config.json, else ~/.docker/config.json") {
  const char* saved = std::getenv("DOCKER_CONFIG");
  const std::string before = saved ? saved : "";
  setenv("DOCKER_CONFIG", "/some/where", 1);
  CHECK(docker_config_file() == fs::path("/some/where/config.json"));
  unsetenv("DOCKER_CONFIG");
  CHECK(docker_config_file() == fs::path(std::getenv("HOME")) / ".docker" / "config.json");
  if (saved) setenv("DOCKER_CONFIG", before.c_str(), 1);
}

TEST_CASE("credential helper: the protocol's answer, a token, and 'credentials not found'") {
  CHECK(parse_helper_answer(R"({"ServerURL":"h","Username":"u","Secret":"s"})") == RegistryAuth{"u", "s", ""});
  CHECK(parse_helper_answer(R"({"ServerURL":"h","Username":"<token>","Secret":"t"})") == RegistryAuth{"", "", "t"});
  CHECK_FALSE(parse_helper_answer(R"({})").has_value());

  // Real helper processes: scripts on PATH.
  ConfigDir bin;
  auto script = [&](const std::string& name, const std::string& body) {
    const fs::path path = bin.dir / ("docker-credential-" + name);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    fs::permissions(path, fs::perms::owner_all);
  };
  script("echoing", R"(read server; [ "$1" = get ] || exit 9
printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"pw"}' "$server" "$server")");
  script("empty", "echo 'credentials not found in native keychain'; exit 1\n");
  script("broken", "echo 'cannot open the keyring' >&2; exit 3\n");
  script("slow", "sleep 5\n");
  const std::string old_path = std::getenv("PATH");
  setenv("PATH", (bin.dir.string() + ":" + old_path).c_str(), 1);
  CHECK(credentials_from_helper("echoing", "127.0.0.1:5000") == RegistryAuth{"user-for-127.0.0.1:5000", "pw", ""});
  CHECK_FALSE(credentials_from_helper("empty", "h").has_value());
  CHECK_THROWS_WITH_AS(credentials_from_helper("broken", "h"),
                       "credential helper docker-credential-broken for h failed (exit 3): cannot open the keyring",
                       EngineError);
  CHECK_THROWS_WITH_AS(credentials_from_helper("missing", "h"), "credential helper docker-credential-missing is not on PATH",
                       EngineError);
  CHECK_THROWS_WITH_AS(credentials_from_helper("slow", "h", std::chrono::milliseconds(200)),
                       "credential helper docker-credential-slow for h: no answer within 0.2 s", EngineError);
  setenv("PATH", old_path.c_str(), 1);
}

}  // namespace boss
