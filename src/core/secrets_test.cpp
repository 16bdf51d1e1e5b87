#include "core/secrets.h"

#include <doctest/doctest.h>

#include "core/config.h"
#include "core/context_store.h"
#include "core/project_secrets.h"

using namespace boss;

TEST_CASE("redactor: every occurrence of every known secret becomes ***") {
  SecretRedactor secrets;
  CHECK(secrets.empty());
  CHECK(secrets.redact("nothing to hide") == "nothing to hide");
  secrets.add("hunter22");
  secrets.add("s3cr3t-token");
  CHECK_FALSE(secrets.empty());
  CHECK(secrets.redact("pw=hunter22 again hunter22, token s3cr3t-token") == "pw=*** again ***, token ***");
  CHECK(secrets.redact("") == "");
}

TEST_CASE("redactor: a secret containing another is replaced whole, the longest first") {
  SecretRedactor secrets;
  secrets.add("pass");
  secrets.add("password123");
  CHECK(secrets.redact("x password123 y pass") == "x *** y ***");
  secrets.add("password123");  // twice is once
  CHECK(secrets.redact("password123password123") == "******");
}

TEST_CASE("redactor: secrets shorter than the minimum are not searched for in text") {
  SecretRedactor secrets;
  secrets.add("abc");
  CHECK(secrets.empty());
  CHECK(secrets.redact("abcabc") == "abcabc");
  secrets.add("abcd");
  CHECK(secrets.redact("abcd") == "***");
}

TEST_CASE("secret digest: depends on key and value, shows neither") {
  const std::string d = secret_digest("DB_PASSWORD", "hunter22");
  CHECK(d.rfind("secret:", 0) == 0);
  CHECK(d.size() == 7 + 16);
  CHECK(d.find("hunter22") == std::string::npos);
  CHECK(d == secret_digest("DB_PASSWORD", "hunter22"));
  CHECK(d != secret_digest("DB_PASSWORD", "hunter23"));
  CHECK(d != secret_digest("OTHER", "hunter22"));
}

namespace {

ServiceSpec web_with_password(const std::string& password) {
  ServiceSpec spec;
  spec.name = "web";
  spec.image = "web:1";
  spec.env = {{"DB_PASSWORD", password}, {"MODE", "prod"}, {"DB_URI", "postgres://u:{pw}@db"}};
  spec.secret_env = {"DB_PASSWORD"};
  return spec;
}

}  // namespace

TEST_CASE("config: a secret env value is a digest in the label, the real value goes to the engine") {
  const auto config = desired_config(web_with_password("hunter22"), "sha256:1", {{"pw", "ctxsecret"}});
  CHECK(config.env.at("DB_PASSWORD") == "hunter22");  // what the container gets
  const std::string label = config.canonical();
  CHECK(label.find("hunter22") == std::string::npos);
  CHECK(label.find(secret_digest("DB_PASSWORD", "hunter22")) != std::string::npos);
  CHECK(label.find("prod") != std::string::npos);  // others as they are
  // Not marked secret: a context value filled into DB_URI is in the label...
  CHECK(label.find("ctxsecret") != std::string::npos);
  // ...unless its context key is secret.
  const auto marked = desired_config(web_with_password("hunter22"), "sha256:1", {{"pw", "ctxsecret"}}, {"pw"});
  CHECK(marked.secret_env.count("DB_URI") == 1);
  CHECK(marked.canonical().find("ctxsecret") == std::string::npos);
  CHECK(marked.env.at("DB_URI") == "postgres://u:ctxsecret@db");
}

TEST_CASE("config: a changed secret is a changed env key, by name") {
  const auto old_config = desired_config(web_with_password("hunter22"), "sha256:1", {{"pw", "x"}});
  const auto now = desired_config(web_with_password("hunter23"), "sha256:1", {{"pw", "x"}});
  CHECK(old_config.hash() != now.hash());
  const auto changes = describe_changes(old_config.to_json(), now);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == "env DB_PASSWORD changed");
  CHECK(describe_changes(now.to_json(), now).empty());
}

TEST_CASE("context: a key set from a secret is remembered as secret and reaches the redactor") {
  const auto file = std::filesystem::temp_directory_path() / ("boss-secret-ctx-" + std::to_string(::getpid()) + ".json");
  SecretRedactor secrets;
  {
    ContextStore store(file);
    store.set_redactor(&secrets);
    store.set("pw", std::string("generated-pw"), "db", true);
    store.set("user_id", 7.0, "db");
    CHECK(store.is_secret("pw"));
    CHECK_FALSE(store.is_secret("user_id"));
    CHECK(store.secret_keys() == std::set<std::string>{"pw"});
    CHECK(secrets.redact("generated-pw") == "***");
    CHECK(store.save_if_dirty());
    const auto perms = std::filesystem::status(file).permissions();
    CHECK((perms & std::filesystem::perms::group_read) == std::filesystem::perms::none);
    CHECK((perms & std::filesystem::perms::others_read) == std::filesystem::perms::none);
  }
  SecretRedactor later;
  ContextStore reread(file);
  reread.set_redactor(&later);
  reread.load();
  CHECK(reread.is_secret("pw"));
  CHECK(later.redact("generated-pw") == "***");
  // Set again without the mark: no longer secret.
  reread.set("pw", std::string("plain-now"), "db");
  CHECK_FALSE(reread.is_secret("pw"));
  std::filesystem::remove(file);
}

TEST_CASE("project secrets: literal secret env values, registry passwords and the context keys secret templates read") {
  Project project;
  ServiceSpec web = web_with_password("hunter22");
  web.secret_env.insert("DB_URI");
  RegistryAuth auth;
  auth.username = "me";
  auth.password = "registry-pw";
  web.registry_auth = auth;
  project.services.push_back(web);
  SecretRedactor secrets;
  ContextStore context;
  context.set_redactor(&secrets);
  register_project_secrets(project, secrets, context);
  CHECK(secrets.redact("hunter22 registry-pw prod") == "*** *** prod");
  CHECK(context.is_secret("pw"));
  context.set("pw", std::string("from-a-hook"), "db");  // set without boss.secret: still secret
  CHECK(context.is_secret("pw"));
  CHECK(secrets.redact("from-a-hook") == "***");
}
