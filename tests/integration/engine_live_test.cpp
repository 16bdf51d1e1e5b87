// DockerEngine against the real engine on this machine (DOCKER_HOST or the default
// socket), with the local image boss-test/busybox:latest (tests/images/make-images.sh).
// Every resource is named bosst-engine-* and labelled boss.test=1, and is removed at
// the start and the end of each test case, even when it fails.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "core/cancel.h"
#include "core/errors.h"
#include "engine/docker_engine.h"
#include "engine/docker_json.h"
#include "engine/docker_request.h"
#include "engine/endpoint_resolution.h"
#include "engine/http_transport.h"

using namespace boss;
namespace fs = std::filesystem;

namespace {

const std::string kPrefix = "bosst-engine-";
const std::string kImage = "boss-test/busybox:latest";
const std::string kBuiltTag = "bosst-engine-built:latest";
const std::string kBrokenTag = "bosst-engine-broken:latest";
const std::string kSlowTag = "bosst-engine-slow:latest";
const std::string kRemovableTag = "bosst-engine-removable:latest";
const Labels kTestLabels = {{"boss.test", "1"}};

bool has_prefix(const std::string& name) { return name.rfind(kPrefix, 0) == 0; }

void remove_test_resources() {
  DockerEngine engine;
  for (const auto& container : engine.list_containers(kTestLabels))
    if (has_prefix(container.name)) engine.remove_container(container.id);
  for (const auto& network : engine.list_networks(kTestLabels))
    if (has_prefix(network.name)) engine.remove_network(network.id);
  HttpTransport transport(endpoint_from_environment());
  for (const auto& tag : {kBuiltTag, kBrokenTag, kSlowTag, kRemovableTag}) {
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

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Requests `cancel` 300 ms after ready() is called (the operation is then in the middle
// of its work), and measures how long the operation took to give up.
class Canceller {
 public:
  Cancel cancel;
  Canceller() : m_thread([this] { run(); }) {}
  ~Canceller() {
    ready();
    m_thread.join();
  }
  void ready() { m_ready = true; }
  // From the request to now: call it as soon as the operation returned.
  double latency_ms() const { return ms_between(m_requested_at, Clock::now()); }

 private:
  void run() {
    for (int i = 0; i < 6000 && !m_ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    m_requested_at = Clock::now();  // published to the operation by request()
    cancel.request();
  }
  std::atomic<bool> m_ready{false};
  Clock::time_point m_requested_at;
  std::thread m_thread;
};

void check_cancel_latency(const std::string& what, double ms) {
  MESSAGE(what << " gave up " << ms << " ms after its Cancel was requested");
  CHECK(ms < 1000);
}

ContainerSpec test_container(const std::string& suffix, const std::string& script) {
  ContainerSpec spec;
  spec.name = kPrefix + suffix;
  spec.image = kImage;
  spec.cmd = std::vector<std::string>{"sh", "-c", script};
  spec.labels = {{"boss.test", "1"}, {"boss.engine-test", suffix}};
  return spec;
}

// Creates and starts test_container(suffix, script); returns its id.
std::string run_test_container(DockerEngine& engine, const std::string& suffix, const std::string& script) {
  const std::string id = engine.create_container(test_container(suffix, script));
  engine.start_container(id);
  return id;
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
  CHECK(listed[0].image == kImage);
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
  CHECK(state->name == spec.name);
  CHECK(state->image == kImage);
  CHECK(state->started_at.rfind("20", 0) == 0);
  CHECK(state->finished_at.empty());
  CHECK(state->health.empty());  // the image has no health check
  CHECK_FALSE(state->oom_killed);
  // The container's labels are the image's plus the spec's (the spec's win on a clash);
  // the spec's must all be there with their values.
  for (const auto& [key, value] : spec.labels) {
    INFO("label " << key);
    CHECK(state->labels.count(key) == 1);
    if (state->labels.count(key)) CHECK(state->labels.at(key) == value);
  }
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
  CHECK_FALSE(engine.stop_container(id, 10).killed);  // it traps TERM and exits
  CHECK(std::chrono::steady_clock::now() - before_stop < std::chrono::seconds(8));
  const auto stopped = engine.inspect_container(id);
  REQUIRE(stopped);
  CHECK_FALSE(stopped->running);
  CHECK(stopped->status == "exited");
  CHECK(stopped->exit_code == 0);
  CHECK(stopped->finished_at.rfind("20", 0) == 0);
  CHECK(stopped->ports.empty());
  CHECK_FALSE(engine.stop_container(id, 1).killed);  // not running: fine

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
      [&] { engine.pull_image("127.0.0.1:1/" + kPrefix + "nothing:1", {}, [](const ImageProgress&) {}, Cancel::never()); },
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

TEST_CASE("engine live: follow_logs streams a container's lines as it writes them") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);

  // Waits a moment so the follow starts first, writes stdout and stderr lines over about
  // a second, and ends with a line without newline.
  const std::string id = run_test_container(
      engine, "logs", "sleep 0.5; for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; sleep 0.2; done; printf last");

  struct Seen {
    LogLine line;
    Clock::time_point at;
  };
  std::vector<Seen> seen;
  engine.follow_logs(id, {true, -1, ""}, [&](const LogLine& line) { seen.push_back({line, Clock::now()}); },
                     Cancel::never());
  const auto ended = Clock::now();
  // It ended because the container stopped.
  const auto state = engine.inspect_container(id);
  REQUIRE(state);
  CHECK_FALSE(state->running);

  std::vector<std::string> out, err;
  for (const auto& [line, at] : seen) {
    (line.stream == LogLine::Stream::out ? out : err).push_back(line.text);
    CHECK(line.timestamp.size() >= 20);
    CHECK(line.timestamp.rfind("20", 0) == 0);
    CHECK(line.timestamp.back() == 'Z');
  }
  CHECK(out == std::vector<std::string>{"out-1", "out-2", "out-3", "out-4", "out-5", "last"});
  CHECK(err == std::vector<std::string>{"err-1", "err-2", "err-3", "err-4", "err-5"});
  // Within a stream, in time order (fixed width: text order is time order). Across the
  // two, the engine's order can differ from the stamps by a hair.
  for (const auto stream : {LogLine::Stream::out, LogLine::Stream::err}) {
    std::string previous;
    for (const auto& [line, at] : seen) {
      if (line.stream != stream) continue;
      CHECK(previous <= line.timestamp);
      previous = line.timestamp;
    }
  }
  // Streamed, not collected at the end: the first line came long before the stream ended.
  REQUIRE_FALSE(seen.empty());
  MESSAGE("first line " << ms_between(seen.front().at, ended) << " ms before the end of the log");
  CHECK(ms_between(seen.front().at, ended) > 400);

  // tail: the last lines of both streams together. out-5 and err-5 are written at the
  // same moment, and the engine's log file may hold them in either order, so the line
  // before "last" is one of the two.
  std::vector<std::string> tail;
  engine.follow_logs(id, {false, 2, ""}, [&](const LogLine& line) { tail.push_back(line.text); }, Cancel::never());
  REQUIRE(tail.size() == 2);
  CHECK((tail[0] == "err-5" || tail[0] == "out-5"));
  CHECK(tail[1] == "last");

  // since: from out-3's timestamp on.
  std::string out3_time;
  for (const auto& [line, at] : seen)
    if (line.text == "out-3") out3_time = line.timestamp;
  std::vector<std::string> since_out, since_err;
  engine.follow_logs(
      id, {false, -1, since_query_value(*parse_engine_time(out3_time))},
      [&](const LogLine& line) { (line.stream == LogLine::Stream::out ? since_out : since_err).push_back(line.text); },
      Cancel::never());
  CHECK(since_out == std::vector<std::string>{"out-3", "out-4", "out-5", "last"});
  REQUIRE(since_err.size() >= 2);  // err-3 was written after out-3, but its stamp may be a hair earlier
  CHECK(since_err.back() == "err-5");
  CHECK(since_err.size() <= 3);
}

TEST_CASE("engine live: follow_logs ends when the container stops, and a missing one is a 404") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);
  const std::string id =
      run_test_container(engine, "follow-stop", "echo ready; trap 'exit 0' TERM; while true; do sleep 0.1; done");

  std::atomic<bool> ready{false};
  std::atomic<bool> returned{false};
  std::thread follower([&] {
    engine.follow_logs(id, {true, -1, ""}, [&](const LogLine& line) { ready = ready || line.text == "ready"; },
                       Cancel::never());
    returned = true;
  });
  for (int i = 0; i < 500 && !ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(ready);
  CHECK_FALSE(returned);
  engine.stop_container(id, 5);
  const auto stopped = Clock::now();
  for (int i = 0; i < 500 && !returned; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(returned);
  MESSAGE("follow_logs returned " << ms_between(stopped, Clock::now()) << " ms after the stop");
  follower.join();

  int status = 0;
  CHECK(contains(error_of([&] { engine.follow_logs(kPrefix + "missing", {}, [](const LogLine&) {}, Cancel::never()); },
                          &status),
                 "logs of container " + kPrefix + "missing: "));
  CHECK(status == 404);
}

TEST_CASE("engine live: watch_events sees a labelled container's life, after on_subscribed") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);
  const Labels filter = {{"boss.test", "1"}, {"boss.engine-test", "events"}};

  std::mutex mutex;
  std::vector<std::string> seen;
  std::atomic<bool> subscribed{false};
  Cancel cancel;
  std::string watch_error;
  std::thread watcher([&] {
    try {
      engine.watch_events(
          filter,
          [&](const EngineEvent& event) {
            std::lock_guard lock(mutex);
            CHECK(event.type == "container");
            CHECK(event.time_nano > 0);
            CHECK(event.attributes.at("boss.engine-test") == "events");
            CHECK(event.attributes.at("name") == kPrefix + "events");
            if (event.action == "die") CHECK(event.attributes.at("exitCode") == "3");
            seen.push_back(event.action);
            if (event.action == "destroy") cancel.request();
          },
          [&] {
            std::lock_guard lock(mutex);
            seen.push_back("subscribed");
            subscribed = true;
          },
          cancel);
    } catch (const std::exception& error) {
      watch_error = error.what();
      cancel.request();
    }
  });
  for (int i = 0; i < 500 && !subscribed; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(subscribed);

  // Not labelled for this test: must not show.
  const std::string other = engine.create_container(test_container("events-other", "true"));
  const std::string id = run_test_container(engine, "events", "exit 3");
  for (int i = 0; i < 500; ++i) {
    const auto state = engine.inspect_container(id);
    if (state && !state->running && !state->finished_at.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  engine.remove_container(id);
  engine.remove_container(other);
  CHECK(cancel.sleep_for(std::chrono::seconds(10)));  // the destroy event ends the watch
  watcher.join();
  CHECK(watch_error == "");
  std::lock_guard lock(mutex);
  CHECK(seen == std::vector<std::string>{"subscribed", "create", "start", "die", "destroy"});
}

TEST_CASE("engine live: follow_logs, watch_events, exec, build and pull give up soon after their Cancel") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);
  const std::string id = run_test_container(engine, "cancel", "trap 'exit 0' TERM; while true; do sleep 0.1; done");

  {
    Canceller canceller;
    canceller.ready();
    engine.follow_logs(id, {true, -1, ""}, [](const LogLine&) {}, canceller.cancel);
    check_cancel_latency("follow_logs of a silent container", canceller.latency_ms());
  }
  {
    Canceller canceller;
    engine.watch_events({{"boss.engine-test", "nothing-has-this"}}, [](const EngineEvent&) {},
                        [&] { canceller.ready(); }, canceller.cancel);
    check_cancel_latency("watch_events", canceller.latency_ms());
  }
  {
    Canceller canceller;
    canceller.ready();
    const auto started = Clock::now();
    CHECK_THROWS_WITH_AS(engine.exec(id, {"sleep", "30"}, canceller.cancel), ("exec in container " + id + ": cancelled").c_str(),
                         Interrupted);
    check_cancel_latency("exec of sleep 30", canceller.latency_ms());
    CHECK(ms_between(started, Clock::now()) < 5000);
  }
  {
    // The build is cancelled in the middle of its slow step, which the engine then stops.
    TempDir context;
    const std::string marker = "bosst-engine-slow-step-" + std::to_string(::getpid());
    context.write("Dockerfile", "FROM " + kImage + "\nRUN sleep 30 && echo " + marker + "\n");
    Canceller canceller;
    std::vector<std::string> lines;
    CHECK_THROWS_WITH_AS(engine.build_image({context.path.string(), "Dockerfile", kSlowTag, kTestLabels},
                                            [&](const ImageProgress& step) {
                                              lines.push_back(step.text);
                                              if (contains(step.text, "Running in")) canceller.ready();
                                            },
                                            canceller.cancel),
                         ("build image " + kSlowTag + ": cancelled").c_str(), Interrupted);
    check_cancel_latency("build in a RUN sleep 30 step", canceller.latency_ms());
    CHECK_FALSE(engine.inspect_image(kSlowTag));
    // The engine stops the step's container and removes it.
    HttpTransport transport(endpoint_from_environment());
    HttpRequest list;
    list.path = "/containers/json?all=1";
    bool step_gone = false;
    for (int i = 0; i < 100 && !step_gone; ++i) {
      step_gone = !contains(transport.request(list).body, marker);
      if (!step_gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(step_gone);
  }
  {
    // A registry that takes connections but never answers: the engine waits on it.
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 16) == 0);
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const std::string ref = "127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/" + kPrefix + "silent:1";
    Canceller canceller;
    canceller.ready();
    CHECK_THROWS_WITH_AS(engine.pull_image(ref, {}, [](const ImageProgress&) {}, canceller.cancel),
                         ("pull image " + ref + ": cancelled").c_str(), Interrupted);
    check_cancel_latency("pull from a registry that does not answer", canceller.latency_ms());
    ::close(listener);
  }
  engine.remove_container(id);
}

TEST_CASE("engine live: stop reports a container killed after ignoring its stop signal") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);
  const std::string id = run_test_container(engine, "stubborn", "trap '' TERM; echo ready; while true; do sleep 0.1; done");
  for (int i = 0; i < 100 && !contains(engine.logs_tail(id, 1), "ready"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto started = Clock::now();
  const StopResult result = engine.stop_container(id, 0.5);  // rounds up to 1 s
  const double ms = ms_between(started, Clock::now());
  MESSAGE("stop of a container that ignores SIGTERM took " << ms << " ms");
  CHECK(result.killed);
  CHECK(ms >= 1000);
  const auto state = engine.inspect_container(id);
  REQUIRE(state);
  CHECK(state->exit_code == 137);
}

TEST_CASE("engine live: remove_image") {
  CleanupGuard cleanup;
  DockerEngine engine;
  require_test_image(engine);
  TempDir context;
  context.write("Dockerfile", "FROM " + kImage + "\nLABEL boss.engine-test=remove\n");
  engine.build_image({context.path.string(), "Dockerfile", kRemovableTag, kTestLabels}, nullptr, Cancel::never());
  REQUIRE(engine.inspect_image(kRemovableTag));

  ContainerSpec spec = test_container("uses-image", "true");
  spec.image = kRemovableTag;
  const std::string id = engine.create_container(spec);
  int status = 0;
  CHECK(error_of([&] { engine.remove_image(kRemovableTag); }, &status).rfind("remove image " + kRemovableTag + ": ", 0) == 0);
  CHECK(status == 409);
  CHECK(engine.inspect_image(kRemovableTag));

  engine.remove_container(id);
  engine.remove_image(kRemovableTag);
  CHECK_FALSE(engine.inspect_image(kRemovableTag));
  engine.remove_image(kRemovableTag);  // already gone: fine
}
