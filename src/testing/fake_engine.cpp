#include "testing/fake_engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/cancel.h"
#include "core/errors.h"

namespace boss::testing {
namespace {

bool matches(const Labels& labels, const Labels& filter) {
  for (const auto& [k, v] : filter) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = nanos / 1000000000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  const auto n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%09lldZ", static_cast<long long>(nanos % 1000000000));
  return buffer;
}

}  // namespace

void FakeEngine::record(const std::string& call, bool mutation) {
  m_calls.push_back(call);
  if (mutation) m_mutations.push_back(call);
  m_changed.notify_all();
}

std::string FakeEngine::next_id(const char* prefix) { return id_prefix + prefix + std::to_string(++m_counter); }

// Like the engine, by id or by name.
std::map<std::string, FakeEngine::Container>::iterator FakeEngine::find_container(const std::string& id_or_name) {
  auto it = m_containers.find(id_or_name);
  if (it != m_containers.end()) return it;
  for (it = m_containers.begin(); it != m_containers.end(); ++it)
    if (it->second.info.name == id_or_name) return it;
  return it;
}

std::map<std::string, NetworkInfo>::iterator FakeEngine::find_network(const std::string& id_or_name) {
  auto it = m_networks.find(id_or_name);
  if (it != m_networks.end()) return it;
  for (it = m_networks.begin(); it != m_networks.end(); ++it)
    if (it->second.name == id_or_name) return it;
  return it;
}

void FakeEngine::publish(const Container& c, const std::string& action) {
  EngineEvent event;
  event.type = "container";
  event.action = action;
  event.id = c.info.id;
  event.attributes = c.info.labels;
  event.attributes["name"] = c.info.name;
  if (action == "die") event.attributes["exitCode"] = std::to_string(c.exit_code);
  event.time_nano = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  for (auto& s : m_subscribers)
    if (matches(c.info.labels, s.filter)) s.queue.push_back(event);
  m_changed.notify_all();
}

void FakeEngine::exit_container(const std::string& id, int code) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  if (it == m_containers.end() || !it->second.info.running()) return;
  it->second.info.state = "exited";
  it->second.info.ports.clear();
  it->second.exit_code = code;
  publish(it->second, "die");
}

void FakeEngine::set_health(const std::string& id, const std::string& status, const std::string& output) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  if (it == m_containers.end()) return;
  it->second.health = status;
  it->second.health_log = output;
  publish(it->second, "health_status: " + status);
}

void FakeEngine::write_log(const std::string& id, LogLine line) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  if (it == m_containers.end()) return;
  it->second.logs.push_back(std::move(line));
  m_changed.notify_all();
}

void FakeEngine::wait_for_subscribers(std::size_t n) const {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_subscribers.size() >= n; });
}

void FakeEngine::wait_for_call(const std::string& call) const {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return std::find(m_calls.begin(), m_calls.end(), call) != m_calls.end(); });
}

void FakeEngine::add_image(const std::string& ref, const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_images[ref] = id;
}

void FakeEngine::add_pullable(const std::string& ref, const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_pullable[ref] = id;
}

std::string FakeEngine::add_container(const ContainerSpec& spec, const std::string& state) {
  std::lock_guard lock(m_mutex);
  Container c;
  c.spec = spec;
  c.info.id = next_id("c");
  c.info.name = spec.name;
  c.info.state = state;
  c.info.labels = spec.labels;
  const auto image = m_images.find(spec.image);
  c.info.image_id = image == m_images.end() ? "" : image->second;
  m_containers[c.info.id] = c;
  return c.info.id;
}

std::vector<std::string> FakeEngine::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

std::vector<std::string> FakeEngine::mutations() const {
  std::lock_guard lock(m_mutex);
  return m_mutations;
}

std::vector<FakeEngine::Container> FakeEngine::containers() const {
  std::lock_guard lock(m_mutex);
  std::vector<Container> out;
  for (const auto& [id, c] : m_containers) out.push_back(c);
  return out;
}

std::optional<FakeEngine::Container> FakeEngine::container_named(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  for (const auto& [id, c] : m_containers)
    if (c.info.name == name) return c;
  return std::nullopt;
}

std::size_t FakeEngine::network_count() const {
  std::lock_guard lock(m_mutex);
  return m_networks.size();
}

void FakeEngine::ping() {
  if (unreachable) throw EngineError("cannot reach the docker engine at fake://engine: refused", 0);
}

std::vector<ContainerInfo> FakeEngine::list_containers(const Labels& filter) {
  std::lock_guard lock(m_mutex);
  record("list_containers", false);
  if (unreachable) throw EngineError("cannot reach the docker engine at fake://engine: refused", 0);
  std::vector<ContainerInfo> out;
  for (const auto& [id, c] : m_containers)
    if (matches(c.info.labels, filter)) out.push_back(c.info);
  return out;
}

std::optional<ContainerState> FakeEngine::inspect_container(const std::string& id) {
  std::lock_guard lock(m_mutex);
  record("inspect " + id, false);
  const auto it = find_container(id);
  if (it == m_containers.end()) return std::nullopt;
  ContainerState s;
  s.id = id;
  s.status = it->second.info.state;
  s.running = it->second.info.running();
  s.exit_code = it->second.exit_code;
  s.ports = it->second.info.ports;
  s.name = it->second.info.name;
  s.image = it->second.spec.image;
  s.labels = it->second.info.labels;
  s.restart = it->second.spec.restart;
  if (it->second.started_at) s.started_at = rfc3339(*it->second.started_at);
  s.health = it->second.health;
  s.health_log = it->second.health_log;
  if (it->second.spec.healthcheck) s.health_interval = it->second.spec.healthcheck->interval;
  return s;
}

std::optional<std::string> FakeEngine::run_health_check(const std::string& id) {
  std::lock_guard lock(m_mutex);
  if (!health_runner) return std::nullopt;
  record("healthcheck " + id, false);
  const auto it = find_container(id);
  if (it == m_containers.end()) throw EngineError("run the health check of container " + id + ": no such container", 404);
  if (!it->second.info.running()) throw EngineError("run the health check of container " + id + ": container is not running", 409);
  return health_runner(it->second);
}

std::string FakeEngine::create_container(const ContainerSpec& spec) {
  std::lock_guard lock(m_mutex);
  record("create " + spec.name, true);
  if (fail_create.count(spec.image)) throw EngineError("create container " + spec.name + ": scripted failure", 500);
  for (const auto& [id, c] : m_containers)
    if (c.info.name == spec.name)
      throw EngineError("create container " + spec.name + ": Conflict. The container name is already in use", 409);
  const auto image = m_images.find(spec.image);
  if (image == m_images.end()) throw EngineError("create container " + spec.name + ": No such image: " + spec.image, 404);
  Container c;
  c.spec = spec;
  c.info.id = next_id("c");
  c.info.name = spec.name;
  c.info.state = "created";
  c.info.labels = spec.labels;
  c.info.image_id = image->second;
  c.info.image = spec.image;
  for (const auto& mount : spec.binds)
    if (!mount.source.empty() && mount.source[0] != '/') {
      c.info.volumes.push_back(mount.source);
      m_volumes.try_emplace(mount.source, VolumeInfo{mount.source, {}});  // as the engine does
    }
  m_containers[c.info.id] = c;
  publish(c, "create");
  return c.info.id;
}

void FakeEngine::start_container(const std::string& id) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("start " + (it == m_containers.end() ? id : it->second.info.name), true);
  if (it == m_containers.end()) throw EngineError("start container " + id + ": No such container", 404);
  auto& c = it->second;
  publish(c, "start");
  c.started_at = std::chrono::system_clock::now();
  if (auto codes = run_exit_codes.find(c.spec.image); codes != run_exit_codes.end() && !codes->second.empty()) {
    c.exit_code = codes->second.front();
    if (codes->second.size() > 1) codes->second.pop_front();
  }
  if (exit_on_start.count(c.spec.image)) {
    c.info.state = "exited";
    c.exit_code = 1;
    publish(c, "die");
    return;
  }
  c.info.state = "running";
  const auto image_health_it = image_health.find(c.spec.image);
  const auto& check = c.spec.healthcheck;
  c.health = "";
  if (!check || !check->disabled()) {
    if (image_health_it != image_health.end()) c.health = image_health_it->second;
    else if (check) c.health = "starting";
  }
  c.info.ports.clear();
  int next_port = 32768;
  for (const auto& p : c.spec.ports)
    c.info.ports.push_back({p.container_port, p.protocol, p.host_ip.empty() ? "0.0.0.0" : p.host_ip,
                            p.host_port ? p.host_port : next_port++});
  // An address on its network, unique per container (its id's number).
  c.info.addresses.clear();
  if (!c.spec.network.empty()) c.info.addresses[c.spec.network] = "10.0.0." + c.info.id.substr(c.info.id.find_first_of("0123456789"));
}

double FakeEngine::stop_grace(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_stop_grace.find(name);
  return it == m_stop_grace.end() ? -1 : it->second;
}

StopResult FakeEngine::stop_container(const std::string& id, double timeout_seconds) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("stop " + (it == m_containers.end() ? id : it->second.info.name), true);
  if (it != m_containers.end()) m_stop_grace[it->second.info.name] = timeout_seconds;
  if (it == m_containers.end() || !it->second.info.running()) return {};
  const bool killed = ignore_stop_signal.count(it->second.spec.image) > 0;
  it->second.info.state = "exited";
  it->second.info.ports.clear();
  it->second.exit_code = killed ? 137 : 0;
  publish(it->second, "die");
  publish(it->second, "stop");
  return {killed};
}

void FakeEngine::remove_container(const std::string& id) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("remove " + (it == m_containers.end() ? id : it->second.info.name), true);
  if (it == m_containers.end()) return;
  publish(it->second, "destroy");
  m_containers.erase(it);
}

void FakeEngine::rename_container(const std::string& id, const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("rename " + (it == m_containers.end() ? id : it->second.info.name) + " " + name, true);
  if (it == m_containers.end()) throw EngineError("rename container " + id + ": No such container", 404);
  for (const auto& [other, c] : m_containers)
    if (other != it->first && c.info.name == name)
      throw EngineError("rename container " + id + ": Conflict. The container name is already in use", 409);
  it->second.info.name = name;
  it->second.spec.name = name;
}

std::string FakeEngine::logs_tail(const std::string& id, int lines) {
  std::lock_guard lock(m_mutex);
  record("logs " + id, false);
  const auto it = find_container(id);
  if (it == m_containers.end() || it->second.logs.empty()) return "fake log line\n";
  const auto& logs = it->second.logs;
  std::string out;
  const std::size_t first = lines >= 0 && logs.size() > std::size_t(lines) ? logs.size() - lines : 0;
  for (std::size_t i = first; i < logs.size(); ++i) out += logs[i].text + "\n";
  return out;
}

void FakeEngine::follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                             const Cancel& cancel) {
  std::unique_lock lock(m_mutex);
  record("follow_logs " + id, false);
  auto it = find_container(id);
  if (it == m_containers.end()) throw EngineError("logs of container " + id + ": No such container", 404);
  std::size_t next = 0;
  if (request.tail >= 0 && it->second.logs.size() > std::size_t(request.tail)) next = it->second.logs.size() - request.tail;
  for (;;) {
    it = find_container(id);
    if (it == m_containers.end()) return;
    while (next < it->second.logs.size()) {
      const LogLine line = it->second.logs[next++];
      if (!request.since.empty() && line.timestamp < request.since) continue;
      lock.unlock();
      on_line(line);
      lock.lock();
      it = find_container(id);
      if (it == m_containers.end()) return;
    }
    if (!request.follow || !it->second.info.running() || cancel.requested()) return;
    m_changed.wait_for(lock, Cancel::kPollSlice);
  }
}

void FakeEngine::put_archive(const std::string& id, const std::string& directory, const std::string& tar) {
  std::lock_guard lock(m_mutex);
  record("put_archive " + id + " " + directory, true);
  if (find_container(id) == m_containers.end()) throw EngineError("copy files into container " + id + ": no such container", 404);
  archives.push_back(tar);
}

std::optional<ContainerStats> FakeEngine::container_stats(const std::string& id, std::chrono::milliseconds timeout) {
  Container c;
  {
    std::lock_guard lock(m_mutex);
    record("stats " + id, false);
    if (unreachable) throw EngineError("cannot reach the docker engine at fake://engine: refused", 0);
    const auto it = find_container(id);
    if (it == m_containers.end() || !it->second.info.running()) return std::nullopt;
    c = it->second;
  }
  if (stats_handler) return stats_handler(c, timeout);  // outside the lock: it may take its time
  return ContainerStats{1024 * 1024, c.spec.mem_limit.value_or(0)};
}

ExecResult FakeEngine::exec(const std::string& id, const std::vector<std::string>& argv, const Cancel&) {
  Container c;
  {
    std::lock_guard lock(m_mutex);
    record("exec " + id, false);
    const auto it = find_container(id);
    if (it == m_containers.end() || !it->second.info.running())
      throw EngineError("exec in container " + id + ": container is not running", 409);
    c = it->second;
  }
  return exec_handler ? exec_handler(c, argv) : ExecResult{0, ""};
}

std::optional<ImageInfo> FakeEngine::inspect_image(const std::string& ref) {
  std::lock_guard lock(m_mutex);
  record("inspect_image " + ref, false);
  const auto it = m_images.find(ref);
  if (it == m_images.end()) return std::nullopt;
  return ImageInfo{it->second};
}

void FakeEngine::check_credentials(const std::string& verb, const std::string& ref, const RegistryAuth& auth) const {
  const auto it = registry_credentials.find(registry_host(ref));
  if (it == registry_credentials.end() || it->second == auth) return;
  const std::string registry = it->first;
  throw EngineError(verb + " of " + ref + " failed: " + registry + ": unauthorized (check the credentials for " +
                        registry + ")",
                    500);
}

void FakeEngine::transfer(bool push, const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress) {
  const std::string verb = push ? "push" : "pull";
  // A pull takes from what the registry holds; a push from the local images.
  auto& from = push ? m_images : m_pullable;
  auto& to = push ? m_pullable : m_images;
  std::string id;
  {
    std::lock_guard lock(m_mutex);
    record(verb + " " + ref + (auth.empty() ? "" : " as " + auth.username), true);
    check_credentials(verb, ref, auth);
    const auto it = from.find(ref);
    if (it == from.end()) throw EngineError(verb + " image " + ref + ": not found", 404);
    id = it->second;
  }
  if (progress) {
    ImageProgress step;
    step.kind = push ? ImageProgress::Kind::push : ImageProgress::Kind::pull;
    step.layer = "layer1";
    step.status = push ? "Pushing" : "Downloading";
    step.current = 50;
    step.total = 100;
    progress(step);
    step.status = push ? "Pushed" : "Pull complete";
    step.current = step.total = 0;
    progress(step);
  }
  std::lock_guard lock(m_mutex);
  to[ref] = id;
}

void FakeEngine::pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                            const Cancel&) {
  transfer(false, ref, auth, progress);
}

void FakeEngine::push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                            const Cancel&) {
  transfer(true, ref, auth, progress);
}

void FakeEngine::build_image(const BuildRequest& request, const ProgressFn& progress, const Cancel&) {
  const std::string& tag = request.tag;
  {
    std::lock_guard lock(m_mutex);
    record("build " + tag, true);
    if (fail_build.count(tag)) throw EngineError("build image " + tag + ": scripted build failure", 0);
  }
  if (progress) {
    ImageProgress step;
    step.kind = ImageProgress::Kind::build;
    step.text = "Step 1/1 : FROM busybox";
    step.step = 1;
    step.steps = 1;
    progress(step);
  }
  std::lock_guard lock(m_mutex);
  m_images[tag] = next_id("sha256:built");
  m_image_labels[m_images[tag]] = request.labels;
}

void FakeEngine::remove_image(const std::string& image) {
  std::lock_guard lock(m_mutex);
  record("remove_image " + image, true);
  for (const auto& [id, c] : m_containers)
    if (c.info.image_id == image || c.spec.image == image)
      throw EngineError("remove image " + image + ": image is being used by a container", 409);
  for (auto it = m_images.begin(); it != m_images.end();) {
    if (it->first == image || it->second == image)
      it = m_images.erase(it);
    else
      ++it;
  }
}

std::vector<ImageSummary> FakeEngine::list_images(const Labels& filter) {
  std::lock_guard lock(m_mutex);
  record("list_images", false);
  std::map<std::string, ImageSummary> by_id;
  for (const auto& [ref, id] : m_images) {
    auto& image = by_id[id];
    image.id = id;
    image.tags.push_back(ref);
    const auto labels = m_image_labels.find(id);
    if (labels != m_image_labels.end()) image.labels = labels->second;
  }
  std::vector<ImageSummary> out;
  for (auto& [id, image] : by_id)
    if (matches(image.labels, filter)) out.push_back(std::move(image));
  return out;
}

std::vector<VolumeInfo> FakeEngine::list_volumes(const Labels& filter) {
  std::lock_guard lock(m_mutex);
  record("list_volumes", false);
  std::vector<VolumeInfo> out;
  for (const auto& [name, v] : m_volumes)
    if (matches(v.labels, filter)) out.push_back(v);
  return out;
}

void FakeEngine::create_volume(const std::string& name, const Labels& labels) {
  std::lock_guard lock(m_mutex);
  record("create_volume " + name, true);
  m_volumes.try_emplace(name, VolumeInfo{name, labels});
}

void FakeEngine::remove_volume(const std::string& name) {
  std::lock_guard lock(m_mutex);
  record("remove_volume " + name, true);
  for (const auto& [id, c] : m_containers)
    if (std::find(c.info.volumes.begin(), c.info.volumes.end(), name) != c.info.volumes.end())
      throw EngineError("remove volume " + name + ": volume is in use", 409);
  m_volumes.erase(name);
}

std::vector<NetworkInfo> FakeEngine::list_networks(const Labels& filter) {
  std::lock_guard lock(m_mutex);
  record("list_networks", false);
  std::vector<NetworkInfo> out;
  for (const auto& [id, n] : m_networks)
    if (matches(n.labels, filter)) out.push_back(n);
  return out;
}

std::string FakeEngine::create_network(const std::string& name, const Labels& labels) {
  std::lock_guard lock(m_mutex);
  record("create_network " + name, true);
  NetworkInfo n{next_id("n"), name, labels};
  m_networks[n.id] = n;
  return n.id;
}

void FakeEngine::remove_network(const std::string& id) {
  std::lock_guard lock(m_mutex);
  auto it = find_network(id);
  record("remove_network " + (it == m_networks.end() ? id : it->second.name), true);
  if (it != m_networks.end()) m_networks.erase(it);
}

void FakeEngine::watch_events(const Labels& filter, const EngineEventFn& on_event,
                              const std::function<void()>& on_subscribed, const Cancel& cancel) {
  std::unique_lock lock(m_mutex);
  record("watch_events", false);
  if (unreachable) throw EngineError("cannot reach the docker engine at fake://engine: refused", 0);
  auto self = m_subscribers.insert(m_subscribers.end(), Subscriber{filter, {}});
  m_changed.notify_all();
  lock.unlock();
  if (on_subscribed) on_subscribed();
  lock.lock();
  while (!cancel.requested()) {
    while (!self->queue.empty()) {
      const EngineEvent event = std::move(self->queue.front());
      self->queue.pop_front();
      lock.unlock();
      on_event(event);
      lock.lock();
    }
    m_changed.wait_for(lock, Cancel::kPollSlice);
  }
  m_subscribers.erase(self);
}

std::shared_ptr<ReceivedInput> FakeEngine::last_input() const {
  std::lock_guard lock(m_mutex);
  return m_last_input;
}

std::unique_ptr<AttachedStreams> FakeEngine::attached(const Container& c, const std::vector<std::string>& argv,
                                                      int& exit_code) {
  const ScriptedProcess process = attached_handler ? attached_handler(c, argv) : ScriptedProcess{};
  exit_code = process.exit_code;
  m_last_input = std::make_shared<ReceivedInput>();
  return std::make_unique<FakeAttachedStreams>(process, m_last_input);
}

std::string FakeEngine::create_exec(const std::string& container_id, const ExecSpec& spec) {
  std::lock_guard lock(m_mutex);
  record("create_exec " + container_id, false);
  const auto it = find_container(container_id);
  if (it == m_containers.end()) throw EngineError("exec in container " + container_id + ": No such container", 404);
  if (!it->second.info.running())
    throw EngineError("exec in container " + container_id + ": container is not running", 409);
  const std::string id = next_id("e");
  m_execs[id] = Exec{it->first, spec, 0};
  return id;
}

std::unique_ptr<AttachedStreams> FakeEngine::start_exec(const std::string& exec_id, bool tty) {
  std::lock_guard lock(m_mutex);
  record("start_exec " + exec_id + (tty ? " tty" : ""), false);
  auto& exec = m_execs.at(exec_id);
  return attached(m_containers.at(exec.container_id), exec.spec.argv, exec.exit_code);
}

void FakeEngine::resize_exec(const std::string& exec_id, int rows, int columns) {
  std::lock_guard lock(m_mutex);
  record("resize_exec " + exec_id + " " + std::to_string(rows) + "x" + std::to_string(columns), false);
}

int FakeEngine::exec_exit_code(const std::string& exec_id, const Cancel&) {
  std::lock_guard lock(m_mutex);
  return m_execs.at(exec_id).exit_code;
}

std::unique_ptr<AttachedStreams> FakeEngine::attach_container(const std::string& id, bool stdin, bool tty) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("attach " + (it == m_containers.end() ? id : it->second.info.name) + (stdin ? " stdin" : "") +
             (tty ? " tty" : ""),
         false);
  if (it == m_containers.end()) throw EngineError("attach to container " + id + ": No such container", 404);
  return attached(it->second, {}, it->second.exit_code);
}

void FakeEngine::resize_container(const std::string& id, int rows, int columns) {
  std::lock_guard lock(m_mutex);
  record("resize " + id + " " + std::to_string(rows) + "x" + std::to_string(columns), false);
}

int FakeEngine::wait_container(const std::string& id, const Cancel&) {
  std::lock_guard lock(m_mutex);
  auto it = find_container(id);
  record("wait " + (it == m_containers.end() ? id : it->second.info.name), false);
  if (it == m_containers.end()) throw EngineError("wait for container " + id + ": No such container", 404);
  it->second.info.state = "exited";
  return it->second.exit_code;
}

}  // namespace boss::testing
