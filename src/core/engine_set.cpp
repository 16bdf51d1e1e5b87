#include "core/engine_set.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <thread>

#include "core/cancel.h"
#include "core/errors.h"
#include "core/sidecars.h"

namespace boss {

EngineSet::EngineSet(const Project& project, std::vector<Member> members)
    : m_project(project), m_members(std::move(members)) {
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < m_members.size(); ++i) by_name[m_members[i].name] = i;
  std::set<std::size_t> used;
  for (const auto& s : project.services) {
    const auto it = by_name.find(s.engine);
    const std::size_t member = it == by_name.end() ? by_name.at("") : it->second;
    m_service_member[s.name] = member;
    used.insert(member);
  }
  if (used.empty()) used.insert(by_name.at(""));
  m_active.assign(used.begin(), used.end());
  for (std::size_t i = 0; i < m_members.size(); ++i) m_all.push_back(i);
}

template <typename Fn>
auto EngineSet::on(std::size_t i, Fn&& fn) -> decltype(fn(*static_cast<Engine*>(nullptr))) {
  const Member& m = m_members[i];
  if (m.name.empty()) return fn(*m.engine);
  try {
    return fn(*m.engine);
  } catch (const EngineError& e) {
    // The engine's own message may name its endpoint already ("cannot reach the docker
    // engine at tcp://..."): then the name alone.
    const std::string endpoint = m.engine->endpoint();
    const std::string text = e.what();
    const bool named = text.find(endpoint) != std::string::npos;
    throw EngineError("engine '" + m.name + "'" + (named ? "" : " (" + endpoint + ")") + ": " + text, e.status());
  }
}

void EngineSet::each(const std::vector<std::size_t>& indices, const std::function<void(std::size_t)>& fn) {
  if (indices.size() == 1) {
    fn(indices.front());
    return;
  }
  std::vector<std::exception_ptr> failures(indices.size());
  std::vector<std::thread> threads;
  threads.reserve(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k)
    threads.emplace_back([&, k] {
      try {
        fn(indices[k]);
      } catch (...) {
        failures[k] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& f : failures)
    if (f) std::rethrow_exception(f);
}

std::size_t EngineSet::member_of(const std::string& service) const {
  const auto it = m_service_member.find(service);
  return it == m_service_member.end() ? m_active.front() : it->second;
}

Engine& EngineSet::engine_of(const std::string& service) { return *m_members[member_of(service)].engine; }

void EngineSet::remember(const std::string& id, std::size_t member) {
  std::lock_guard lock(m_mutex);
  m_holder[id] = member;
}

std::size_t EngineSet::holder(const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_holder.find(id);
    if (it != m_holder.end()) return it->second;
  }
  // Not listed nor made by this set (a name, an id from elsewhere): whoever knows it.
  for (std::size_t i : m_all) {
    std::optional<ContainerState> state;
    try {
      state = m_members[i].engine->inspect_container(id);
    } catch (const EngineError&) {
      continue;  // that engine's own call will say what is wrong, if it is the one
    }
    if (state) {
      remember(id, i);
      return i;
    }
  }
  return m_active.front();
}

std::vector<std::size_t> EngineSet::using_image(const std::string& ref) const {
  std::set<std::size_t> out;
  for (const auto& s : m_project.services)
    if (s.image == ref) out.insert(member_of(s.name));
  if (out.empty()) return m_active;
  return {out.begin(), out.end()};
}

std::vector<std::size_t> EngineSet::building(const std::string& tag) const {
  std::set<std::size_t> out;
  for (const auto& s : m_project.services)
    if (s.image == tag && !s.build_from_directory.empty()) out.insert(member_of(s.name));
  if (out.empty()) return using_image(tag);
  return {out.begin(), out.end()};
}

std::vector<std::size_t> EngineSet::mounting(const std::string& volume) const {
  std::set<std::size_t> out;
  for (const auto& s : m_project.services)
    for (const auto& v : s.volumes)
      if (v.named && v.source == volume) out.insert(member_of(s.name));
  if (out.empty()) return m_active;
  return {out.begin(), out.end()};
}

std::string EngineSet::endpoint() const { return m_members[m_active.front()].engine->endpoint(); }

void EngineSet::ping() {
  each(m_active, [&](std::size_t i) { on(i, [](Engine& e) { e.ping(); }); });
}

std::vector<ContainerInfo> EngineSet::list_containers(const Labels& filter) {
  std::vector<std::vector<ContainerInfo>> lists(m_members.size());
  each(m_all, [&](std::size_t i) {
    const bool used = std::find(m_active.begin(), m_active.end(), i) != m_active.end();
    try {
      lists[i] = on(i, [&](Engine& e) { return e.list_containers(filter); });
    } catch (const EngineError& e) {
      // Only there for containers that moved off it: not worth failing the command.
      if (used) throw;
      std::lock_guard lock(m_mutex);
      if (m_warn && m_warned.insert(i).second)
        m_warn(std::string(e.what()) + " (no service runs there; what this project left on it stays until it answers)");
    }
  });
  std::vector<ContainerInfo> out;
  std::lock_guard lock(m_mutex);
  for (std::size_t i : m_all)
    for (auto& c : lists[i]) {
      m_holder[c.id] = i;
      c.engine = m_members[i].name;
      out.push_back(std::move(c));
    }
  return out;
}

std::optional<ContainerState> EngineSet::inspect_container(const std::string& id) {
  const std::size_t i = holder(id);
  return on(i, [&](Engine& e) { return e.inspect_container(id); });
}

void EngineSet::ensure_network(std::size_t member, const std::string& network) {
  {
    std::lock_guard lock(m_mutex);
    if (m_network_on[network].count(member)) return;
  }
  // Listed and made under the set's lock for this one name would serialize engines; two
  // workers may race here, and the executor's stale-network rule removes a duplicate.
  const Labels project_label{{kLabelProject, m_project.name}};
  const auto present = on(member, [&](Engine& e) { return e.list_networks(project_label); });
  const bool there = std::any_of(present.begin(), present.end(), [&](const NetworkInfo& n) { return n.name == network; });
  if (!there) {
    const std::string id = on(member, [&](Engine& e) { return e.create_network(network, project_label); });
    remember(id, member);
  }
  std::lock_guard lock(m_mutex);
  m_network_on[network].insert(member);
}

std::string EngineSet::create_container(const ContainerSpec& spec) {
  // A sidecar runs on the engine of the job it is beside (core/sidecars.h).
  auto service = spec.labels.find(kLabelSidecarOf);
  if (service == spec.labels.end()) service = spec.labels.find(kLabelService);
  const std::size_t i = service == spec.labels.end() ? m_active.front() : member_of(service->second);
  if (!spec.network.empty() && m_active.size() > 1) ensure_network(i, spec.network);
  const std::string id = on(i, [&](Engine& e) { return e.create_container(spec); });
  remember(id, i);
  return id;
}

void EngineSet::start_container(const std::string& id) {
  on(holder(id), [&](Engine& e) { e.start_container(id); });
}

StopResult EngineSet::stop_container(const std::string& id, double timeout_seconds) {
  return on(holder(id), [&](Engine& e) { return e.stop_container(id, timeout_seconds); });
}

void EngineSet::remove_container(const std::string& id) {
  on(holder(id), [&](Engine& e) { e.remove_container(id); });
}

void EngineSet::rename_container(const std::string& id, const std::string& name) {
  on(holder(id), [&](Engine& e) { e.rename_container(id, name); });
}

std::string EngineSet::logs_tail(const std::string& id, int lines) {
  return on(holder(id), [&](Engine& e) { return e.logs_tail(id, lines); });
}

void EngineSet::follow_logs(const std::string& id, const LogRequest& request, const LogLineFn& on_line,
                            const Cancel& cancel) {
  on(holder(id), [&](Engine& e) { e.follow_logs(id, request, on_line, cancel); });
}

void EngineSet::put_archive(const std::string& id, const std::string& directory, const std::string& tar) {
  on(holder(id), [&](Engine& e) { e.put_archive(id, directory, tar); });
}

std::optional<ContainerStats> EngineSet::container_stats(const std::string& id, std::chrono::milliseconds timeout) {
  return on(holder(id), [&](Engine& e) { return e.container_stats(id, timeout); });
}

ExecResult EngineSet::exec(const std::string& id, const std::vector<std::string>& argv, const Cancel& cancel) {
  return on(holder(id), [&](Engine& e) { return e.exec(id, argv, cancel); });
}

std::optional<ImageInfo> EngineSet::inspect_image(const std::string& ref) {
  const auto members = using_image(ref);
  std::vector<std::optional<ImageInfo>> found(m_members.size());
  each(members, [&](std::size_t i) { found[i] = on(i, [&](Engine& e) { return e.inspect_image(ref); }); });
  for (std::size_t i : members)
    if (!found[i]) return std::nullopt;  // missing somewhere it is needed: fetched there
  return found[members.front()];
}

void EngineSet::pull_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                           const Cancel& cancel) {
  // One after the other: progress goes to one caller, which draws one bar per layer.
  for (std::size_t i : using_image(ref))
    on(i, [&](Engine& e) {
      if (!e.inspect_image(ref)) e.pull_image(ref, auth, progress, cancel);
    });
}

void EngineSet::push_image(const std::string& ref, const RegistryAuth& auth, const ProgressFn& progress,
                           const Cancel& cancel) {
  on(building(ref).front(), [&](Engine& e) { e.push_image(ref, auth, progress, cancel); });
}

void EngineSet::build_image(const BuildRequest& request, const ProgressFn& progress, const Cancel& cancel) {
  for (std::size_t i : building(request.tag)) on(i, [&](Engine& e) { e.build_image(request, progress, cancel); });
}

void EngineSet::remove_image(const std::string& image) {
  each(m_active, [&](std::size_t i) { on(i, [&](Engine& e) { e.remove_image(image); }); });
}

std::vector<ImageSummary> EngineSet::list_images(const Labels& filter) {
  std::vector<std::vector<ImageSummary>> lists(m_members.size());
  each(m_active, [&](std::size_t i) { lists[i] = on(i, [&](Engine& e) { return e.list_images(filter); }); });
  std::vector<ImageSummary> out;
  for (std::size_t i : m_active) out.insert(out.end(), lists[i].begin(), lists[i].end());
  return out;
}

std::vector<VolumeInfo> EngineSet::list_volumes(const Labels& filter) {
  std::vector<std::vector<VolumeInfo>> lists(m_members.size());
  each(m_active, [&](std::size_t i) { lists[i] = on(i, [&](Engine& e) { return e.list_volumes(filter); }); });
  std::vector<VolumeInfo> out;
  std::set<std::string> seen;
  std::lock_guard lock(m_mutex);
  for (std::size_t i : m_active)
    for (auto& v : lists[i]) {
      m_volume_on[v.name].insert(i);
      if (seen.insert(v.name).second) out.push_back(std::move(v));
    }
  return out;
}

void EngineSet::create_volume(const std::string& name, const Labels& labels) {
  each(mounting(name), [&](std::size_t i) { on(i, [&](Engine& e) { e.create_volume(name, labels); }); });
}

void EngineSet::remove_volume(const std::string& name) {
  std::vector<std::size_t> members;
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_volume_on.find(name);
    if (it != m_volume_on.end()) members.assign(it->second.begin(), it->second.end());
  }
  if (members.empty()) members = m_active;
  each(members, [&](std::size_t i) { on(i, [&](Engine& e) { e.remove_volume(name); }); });
}

std::vector<std::string> EngineSet::tidy_unused() {
  std::vector<std::string> removed;
  const Labels project_label{{kLabelProject, m_project.name}};
  for (std::size_t i : m_all) {
    if (std::find(m_active.begin(), m_active.end(), i) != m_active.end()) continue;
    const std::string where = m_members[i].name.empty() ? "the usual engine" : "engine '" + m_members[i].name + "'";
    try {
      if (!on(i, [&](Engine& e) { return e.list_containers(project_label); }).empty()) continue;
      for (const auto& n : on(i, [&](Engine& e) { return e.list_networks(project_label); })) {
        try {
          on(i, [&](Engine& e) { e.remove_network(n.id); });
          removed.push_back("network " + n.name + " on " + where);
          std::lock_guard lock(m_mutex);
          m_network_on[n.name].erase(i);
        } catch (const EngineError& e) {
          if (m_warn) m_warn("could not remove network " + n.name + " from " + where + ", which no service uses: " + e.what());
        }
      }
    } catch (const EngineError&) {
      // Down: list_containers warned about it already.
    }
  }
  return removed;
}

std::vector<NetworkInfo> EngineSet::list_networks(const Labels& filter) {
  std::vector<std::vector<NetworkInfo>> lists(m_members.size());
  each(m_active, [&](std::size_t i) { lists[i] = on(i, [&](Engine& e) { return e.list_networks(filter); }); });
  // One entry per name (with the duplicates one engine has, for the stale-network rule):
  // the project network is one network to the plan, however many engines hold it.
  std::vector<NetworkInfo> out;
  std::map<std::string, std::size_t> first_holder;
  std::lock_guard lock(m_mutex);
  for (std::size_t i : m_active)
    for (auto& n : lists[i]) {
      m_holder[n.id] = i;
      m_network_on[n.name].insert(i);
      const auto it = first_holder.try_emplace(n.name, i).first;
      if (it->second == i) out.push_back(std::move(n));
    }
  return out;
}

std::string EngineSet::create_network(const std::string& name, const Labels& labels) {
  std::vector<std::size_t> lacking;
  {
    std::lock_guard lock(m_mutex);
    const auto& holding = m_network_on[name];
    for (std::size_t i : m_active)
      if (!holding.count(i)) lacking.push_back(i);
  }
  if (lacking.empty()) lacking = m_active;
  std::vector<std::string> ids(m_members.size());
  each(lacking, [&](std::size_t i) { ids[i] = on(i, [&](Engine& e) { return e.create_network(name, labels); }); });
  std::lock_guard lock(m_mutex);
  for (std::size_t i : lacking) {
    m_holder[ids[i]] = i;
    m_network_on[name].insert(i);
  }
  return ids[lacking.front()];
}

void EngineSet::remove_network(const std::string& id) {
  // By id: its engine. By name (down removes the project network by name): every
  // engine that holds one of that name.
  std::vector<std::size_t> members;
  {
    std::lock_guard lock(m_mutex);
    const auto held = m_holder.find(id);
    const auto named = m_network_on.find(id);
    if (held != m_holder.end())
      members.push_back(held->second);
    else if (named != m_network_on.end())
      members.assign(named->second.begin(), named->second.end());
  }
  if (members.empty()) members = m_active;
  each(members, [&](std::size_t i) {
    on(i, [&](Engine& e) { e.remove_network(id); });
    std::lock_guard lock(m_mutex);
    const auto named = m_network_on.find(id);
    if (named != m_network_on.end()) named->second.erase(i);
  });
}

void EngineSet::watch_events(const Labels& filter, const EngineEventFn& on_event,
                             const std::function<void()>& on_subscribed, const Cancel& cancel) {
  std::vector<std::size_t> members = m_active;
  const auto service = filter.find(kLabelService);
  if (service != filter.end()) members = {member_of(service->second)};
  // Each engine's stream on a thread of its own; events reach `on_event` one at a time,
  // and `on_subscribed` once every engine has accepted its subscription. The first
  // stream to break ends the others.
  std::mutex delivering;
  std::atomic<std::size_t> subscribed{0};
  Cancel ended(&cancel);
  each(members, [&](std::size_t i) {
    try {
      on(i, [&](Engine& e) {
        e.watch_events(
            filter,
            [&](const EngineEvent& event) {
              remember(event.id, i);
              std::lock_guard lock(delivering);
              on_event(event);
            },
            [&] {
              if (++subscribed == members.size()) on_subscribed();
            },
            ended);
      });
    } catch (...) {
      ended.request();
      throw;
    }
    ended.request();  // one stream ended (cancelled): so do the others
  });
}

std::string EngineSet::create_exec(const std::string& container_id, const ExecSpec& spec) {
  const std::size_t i = holder(container_id);
  const std::string id = on(i, [&](Engine& e) { return e.create_exec(container_id, spec); });
  remember(id, i);
  return id;
}

std::unique_ptr<AttachedStreams> EngineSet::start_exec(const std::string& exec_id, bool tty) {
  return on(holder(exec_id), [&](Engine& e) { return e.start_exec(exec_id, tty); });
}

void EngineSet::resize_exec(const std::string& exec_id, int rows, int columns) {
  on(holder(exec_id), [&](Engine& e) { e.resize_exec(exec_id, rows, columns); });
}

int EngineSet::exec_exit_code(const std::string& exec_id, const Cancel& cancel) {
  return on(holder(exec_id), [&](Engine& e) { return e.exec_exit_code(exec_id, cancel); });
}

std::unique_ptr<AttachedStreams> EngineSet::attach_container(const std::string& id, bool stdin, bool tty) {
  return on(holder(id), [&](Engine& e) { return e.attach_container(id, stdin, tty); });
}

void EngineSet::resize_container(const std::string& id, int rows, int columns) {
  on(holder(id), [&](Engine& e) { e.resize_container(id, rows, columns); });
}

int EngineSet::wait_container(const std::string& id, const Cancel& cancel) {
  return on(holder(id), [&](Engine& e) { return e.wait_container(id, cancel); });
}

std::optional<std::string> EngineSet::run_health_check(const std::string& id) {
  return on(holder(id), [&](Engine& e) { return e.run_health_check(id); });
}

std::string EngineSet::published_address(const std::string& id) {
  const std::size_t i = holder(id);
  if (!m_members[i].address.empty()) return m_members[i].address;
  return on(i, [&](Engine& e) { return e.published_address(id); });
}

}  // namespace boss
