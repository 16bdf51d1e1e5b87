// DockerEngine against the real engine on this machine (DOCKER_HOST or the default
// socket), with the local image boss-test/busybox:latest (tests/images/make-images.sh).
// Every resource is named bosst-engine-* and labelled boss.test=1, and is removed at
// the start and the end of each test case, even when it fails.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/cancel.h"
#include "core/errors.h"
#include "engine/docker_engine.h"
#include "engine/http_transport.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

const std::string kPrefix = "bosst-engine-";
const std::string kImage = "boss-test/busybox:latest";
const std::string kBuiltTag = "bosst-engine-built:latest";
const std::string kBrokenTag = "bosst-engine-broken:latest";
const Labels kTestLabels = {{"boss.test", "1"}};

bool has_prefix(const std::string& name) { return name.rfind(kPrefix, 0) == 0; }

void remove_test_resources() {
  DockerEngine engine;
  for (const auto& container : engine.list_containers(kTestLabels))
    if (has_prefix(container.name)) engine.remove_container(container.id);
  for (const auto& network : engine.list_networks(kTestLabels))
    if (has_prefix(network.name)) engine.remove_network(network.id);
  HttpTransport transport(endpoint_from_environment());
  for (const auto& tag : {kBuiltTag, kBrokenTag}) {
    HttpRequest request;
    request.method = "DELETE";
    request.path = "/images/" + path_encode(tag) + "?force=1";
    transport.request(request);  // 404 when absent: fine
  }
}

// Removes the test's resources when the test case starts and when it ends.
struct CleanupGuard {
  CleanupGuard() { remove_test_resources(); }
  ~CleanupGuard() {
    try {
      remove_test_resources();
    } catch (const std::exception& error) {
      MESSAGE("cleanup failed: " << error.what());
    }
  }
};

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device random;
    path = fs::temp_directory_path() /
           (kPrefix + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  void write(const std::string& relative, const std::string& content) const {
    std::ofstream(path / relative, std::ios::binary) << content;
  }
};

void require_test_image(DockerEngine& engine) {
  if (!engine.inspect_image(kImage))
    FAIL("image " << kImage << " is missing: run tests/images/make-images.sh");
}

std::string error_of(const std::function<void()>& action, int* status = nullptr) {
  try {
    action();
  } catch (const EngineError& error) {
    if (status) *status = error.status();
    return error.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("engine live: container lifecycle on a labelled network") {
  CleanupGuard cleanup;
  DockerEngine engine;
  engine.ping();
  require_test_image(engine);

  const std::string network_name = kPrefix + "net";
  const std::string network_id = engine.create_network(network_name, kTestLabels);
  CHECK_FALSE(network_id.empty());
  {
    bool found = false;
    for (const auto& network : engine.list_networks(kTestLabels))
      if (network.id == network_id) {
        found = true;
        CHECK(network.name == network_name);
        CHECK(network.labels.at("boss.test") == "1");
      }
    CHECK(found);
  }
  int duplicate_status = 0;
  CHECK(contains(error_of([&] { engine.create_network(network_name, kTestLabels); },
                          &duplicate_status),
                 "create network " + network_name + ": "));
  CHECK(duplicate_status == 409);

  TempDir data;
  data.write("hello.txt", "from the host\n");

  ContainerSpec spec;
  spec.name = kPrefix + "web";
  spec.image = kImage;
  spec.env = {{"GREETING", "hi there"}};
  spec.cmd = std::vector<std::string>{
      "sh", "-c",
      "echo started; echo oops >&2; trap 'exit 0' TERM; while true; do sleep 1; done"};
  spec.stop_signal = "SIGTERM";
  spec.ports = {{8080, "tcp", 0}};
  spec.binds = {{data.path.string(), "/data", "ro"}};
  spec.network = network_name;
  spec.aliases = {"web"};
  spec.hostname = "webhost";
  spec.labels = {{"boss.test", "1"}, {"boss.engine-test", "lifecycle"}};

  const std::string id = engine.create_container(spec);
  REQUIRE(id.size() == 64);
  engine.start_container(id);
  engine.start_container(id);  // already running: fine

  const auto listed = engine.list_containers({{"boss.test", "1"}, {"boss.engine-test", "lifecycle"}});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == id);
  CHECK(listed[0].name == spec.name);
  CHECK(listed[0].running());
  CHECK(listed[0].image_id.rfind("sha256:", 0) == 0);
  CHECK(listed[0].labels.at("boss.engine-test") == "lifecycle");
  REQUIRE_FALSE(listed[0].ports.empty());
  CHECK(listed[0].ports[0].container_port == 8080);
  CHECK(listed[0].ports[0].host_port > 0);
  CHECK(engine.list_containers({{"boss.engine-test", "no-such-value"}}).empty());

  const auto state = engine.inspect_container(id);
  REQUIRE(state);
  CHECK(state->id == id);
  CHECK(state->running);
  CHECK(state->status == "running");
  REQUIRE_FALSE(state->ports.empty());
  CHECK(state->ports[0].container_port == 8080);
  CHECK(state->ports[0].protocol == "tcp");
  CHECK(state->ports[0].host_port == listed[0].ports[0].host_port);

  const ExecResult hi = engine.exec(id, {"echo", "hi"}, Cancel::never());
  CHECK(hi.exit_code == 0);
  CHECK(hi.output == "hi\n");
  const ExecResult three = engine.exec(id, {"sh", "-c", "exit 3"}, Cancel::never());
  CHECK(three.exit_code == 3);
  const ExecResult env = engine.exec(spec.name, {"sh", "-c", "echo \"$GREETING\"; hostname"}, Cancel::never());
  CHECK(env.exit_code == 0);
  CHECK(env.output == "hi there\nwebhost\n");
  // stderr is in the output too (its order relative to stdout is up to the engine).
  const ExecResult err = engine.exec(id, {"sh", "-c", "echo to-stderr >&2; exit 4"}, Cancel::never());
  CHECK(err.exit_code == 4);
  CHECK(err.output == "to-stderr\n");
  const ExecResult bind = engine.exec(id, {"cat", "/data/hello.txt"}, Cancel::never());
  CHECK(bind.output == "from the host\n");
  CHECK(engine.exec(id, {"sh", "-c", "echo x > /data/new"}, Cancel::never()).exit_code != 0);  // read-only

  // Parallel calls from many threads (one curl handle each).
  {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        try {
          for (int j = 0; j < 5; ++j) {
            if (engine.inspect_container(id) && engine.exec(id, {"true"}, Cancel::never()).exit_code == 0) ++ok;
          }
        } catch (...) {
        }
      });
    for (auto& thread : threads) thread.join();
    CHECK(ok == 40);
  }

  std::string logs;
  for (int attempt = 0; attempt < 50 && !contains(logs, "oops"); ++attempt) {
    logs = engine.logs_tail(id, 10);
    if (!contains(logs, "oops")) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(contains(logs, "started\n"));
  CHECK(contains(logs, "oops\n"));
  CHECK(engine.logs_tail(id, 1).size() < logs.size());

  int conflict_status = 0;
  const std::string conflict = error_of([&] { engine.create_container(spec); }, &conflict_status);
  CHECK(conflict_status == 409);
  CHECK(conflict.rfind("create container " + spec.name + ": ", 0) == 0);
  CHECK(contains(conflict, "already in use"));

  const auto before_stop = std::chrono::steady_clock::now();
  engine.stop_container(id, 10);
  CHECK(std::chrono::steady_clock::now() - before_stop < std::chrono::seconds(8));
  const auto stopped = engine.inspect_container(id);
  REQUIRE(stopped);
  CHECK_FALSE(stopped->running);
  CHECK(stopped->status == "exited");
  CHECK(stopped->exit_code == 0);
  CHECK(stopped->ports.empty());
  engine.stop_container(id, 1);  // not running: fine

  const std::string exec_stopped = error_of([&] { engine.exec(spec.name, {"true"}, Cancel::never()); });
  CHECK(exec_stopped.rfind("exec in container " + spec.name + ": ", 0) == 0);

  engine.remove_container(id);
  CHECK_FALSE(engine.inspect_container(id));
  engine.remove_container(id);  // already gone: fine
  engine.stop_container(id, 1);  // gone: fine
  const std::string exec_missing = error_of([&] { engine.exec(kPrefix + "missing", {"true"}, Cancel::never()); });
  CHECK(exec_missing.rfind("exec in container " + kPrefix + "missing: ", 0) == 0);
  CHECK(contains(exec_missing, "No such container"));

  engine.remove_network(network_id);
  for (const auto& network : engine.list_networks(kTestLabels)) CHECK(network.id != network_id);
  engine.remove_network(network_id);  // already gone: fine
}

TEST_CASE("engine live: images") {
  CleanupGuard cleanup;
  DockerEngine engine;
  const auto image = engine.inspect_image(kImage);
  REQUIRE(image);
  CHECK(image->id.rfind("sha256:", 0) == 0);
  CHECK_FALSE(engine.inspect_image(kPrefix + "missing:nope"));

  // A registry that refuses connections fails fast and needs no network.
  int status = -1;
  const std::string pull = error_of(
      [&] { engine.pull_image("127.0.0.1:1/" + kPrefix + "nothing:1", [](const ImageProgress&) {}, Cancel::never()); },
      &status);
  CHECK(pull.rfind("pull image 127.0.0.1:1/" + kPrefix + "nothing:1: ", 0) == 0);
  CHECK(status != 0);
}

TEST_CASE("engine live: build an image") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);

  TempDir context;
  context.write("Dockerfile",
                "FROM " + kImage + "\nCOPY . /ctx/\n"
                "RUN test -e /ctx/hello.txt && test ! -e /ctx/ignored.txt && cat /ctx/hello.txt\n");
  context.write("hello.txt", "built by boss\n");
  context.write("ignored.txt", "must not be sent\n");
  context.write(".dockerignore", "ignored.txt\n");
  context.write("Dockerfile.fail", "FROM " + kImage + "\nRUN echo failing-step && exit 7\n");

  std::vector<std::string> lines;
  engine.build_image({context.path.string(), "Dockerfile", kBuiltTag, {{"boss.test", "1"}, {"boss.engine-test", "build"}}},
                     [&](const ImageProgress& step) { lines.push_back(step.text); }, Cancel::never());
  const auto built = engine.inspect_image(kBuiltTag);
  REQUIRE(built);
  CHECK(built->id.rfind("sha256:", 0) == 0);
  bool saw_step = false, saw_output = false;
  for (const auto& line : lines) {
    saw_step = saw_step || contains(line, "Step 1/");
    saw_output = saw_output || line == "built by boss";
  }
  CHECK(saw_step);
  CHECK(saw_output);

  // The engine ran the image we built, with the context's file in it.
  ContainerSpec spec;
  spec.name = kPrefix + "built";
  spec.image = kBuiltTag;
  spec.cmd = std::vector<std::string>{"sleep", "30"};
  spec.labels = kTestLabels;
  const std::string id = engine.create_container(spec);
  engine.start_container(id);
  CHECK(engine.exec(id, {"cat", "/ctx/hello.txt"}, Cancel::never()).output == "built by boss\n");
  engine.remove_container(id);

  std::vector<std::string> failing_lines;
  const std::string failure = error_of([&] {
    engine.build_image({context.path.string(), "Dockerfile.fail", kBrokenTag, kTestLabels},
                       [&](const ImageProgress& step) { failing_lines.push_back(step.text); }, Cancel::never());
  });
  CHECK(failure.rfind("build image " + kBrokenTag + ": ", 0) == 0);
  CHECK(contains(failure, "7"));
  bool saw_failing_step = false;
  for (const auto& line : failing_lines) saw_failing_step = saw_failing_step || line == "failing-step";
  CHECK(saw_failing_step);
  CHECK_FALSE(engine.inspect_image(kBrokenTag));

  const std::string missing_file = error_of([&] {
    engine.build_image({context.path.string(), "Dockerfile.nope", kBrokenTag, kTestLabels}, nullptr, Cancel::never());
  });
  CHECK(contains(missing_file, (context.path / "Dockerfile.nope").string()));
  const std::string missing_dir = error_of([&] {
    engine.build_image({(context.path / "nope").string(), "Dockerfile", kBrokenTag, kTestLabels}, nullptr,
                       Cancel::never());
  });
  CHECK(contains(missing_dir, (context.path / "nope").string()));
}

TEST_CASE("engine live: an unreachable endpoint is an error naming it") {
  const char* saved = std::getenv("DOCKER_HOST");
  const std::string previous = saved ? saved : "";
  ::setenv("DOCKER_HOST", "unix:///nonexistent.sock", 1);
  DockerEngine engine;
  if (saved)
    ::setenv("DOCKER_HOST", previous.c_str(), 1);
  else
    ::unsetenv("DOCKER_HOST");

  CHECK(engine.endpoint() == "unix:///nonexistent.sock");
  int status = -1;
  const std::string ping = error_of([&] { engine.ping(); }, &status);
  CHECK(ping.rfind("cannot reach the docker engine at unix:///nonexistent.sock: ", 0) == 0);
  CHECK(status == 0);
  CHECK(contains(error_of([&] { engine.list_containers(kTestLabels); }),
                 "unix:///nonexistent.sock"));
}
