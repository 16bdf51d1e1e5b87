#include "compose/compose_reader.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "compose/compose_context.h"
#include "compose/compose_ports.h"
#include "core/command_words.h"
#include "core/env_file.h"
#include "core/errors.h"
#include "core/restart_policy.h"
#include "core/template.h"
#include "core/time_text.h"
#include "core/validate.h"

namespace boss {
namespace {

namespace fs = std::filesystem;
using compose::Context;
using yaml::Node;

// The compose specification's service keys that boss reads.
const std::vector<std::string> kReadKeys = {
    "image",       "build",      "command", "entrypoint",        "environment", "env_file", "ports",
    "volumes",     "depends_on", "healthcheck", "stop_signal",   "stop_grace_period", "user",   "working_dir",
    "labels",      "profiles",   "deploy",  "scale",             "init",        "restart"};

// Its other service keys: a warning each, with why when there is more to say than
// "not supported".
const std::map<std::string, std::string> kIgnoredKeys = {
    {"container_name", "boss names containers <project>-<service>"},
    {"hostname", "a service's hostname is its name"},
    {"networks", "every service is on the project's network boss-<project>"},
    {"network_mode", "every service is on the project's network boss-<project>"},
    {"expose", "services reach every port of each other on the project's network"},
    {"links", "services reach each other by name on the project's network"},
    {"external_links", ""}, {"annotations", ""}, {"attach", ""}, {"blkio_config", ""}, {"cap_add", ""},
    {"cap_drop", ""}, {"cgroup", ""}, {"cgroup_parent", ""}, {"configs", ""}, {"cpu_count", ""},
    {"cpu_percent", ""}, {"cpu_period", ""}, {"cpu_quota", ""}, {"cpu_rt_period", ""}, {"cpu_rt_runtime", ""},
    {"cpu_shares", ""}, {"cpus", ""}, {"cpuset", ""}, {"credential_spec", ""}, {"develop", ""},
    {"device_cgroup_rules", ""}, {"devices", ""}, {"dns", ""}, {"dns_opt", ""}, {"dns_search", ""},
    {"domainname", ""}, {"driver_opts", ""}, {"extends", ""}, {"extra_hosts", ""}, {"gpus", ""},
    {"group_add", ""}, {"ipc", ""}, {"isolation", ""}, {"label_file", ""}, {"logging", ""}, {"mac_address", ""},
    {"mem_limit", ""}, {"mem_reservation", ""}, {"mem_swappiness", ""}, {"memswap_limit", ""},
    {"oom_kill_disable", ""}, {"oom_score_adj", ""}, {"pid", ""}, {"pids_limit", ""}, {"platform", ""},
    {"post_start", "write a post_start hook in services.lua (boss convert)"},
    {"pre_stop", "write a pre_stop hook in services.lua (boss convert)"}, {"privileged", ""}, {"provider", ""},
    {"pull_policy", ""}, {"read_only", ""}, {"runtime", ""}, {"secrets", ""}, {"security_opt", ""},
    {"shm_size", ""}, {"stdin_open", ""}, {"storage_opt", ""}, {"sysctls", ""}, {"tmpfs", ""}, {"tty", ""},
    {"ulimits", ""}, {"use_api_socket", ""}, {"userns_mode", ""}, {"uts", ""}, {"volumes_from", ""}};

const std::vector<std::string> kTopKeys = {"version", "name", "services", "volumes", "networks",
                                           "secrets", "configs", "include", "models"};

bool is_extension(const std::string& key) { return key.rfind("x-", 0) == 0; }

bool looks_like_path(const std::string& source) {
  return !source.empty() && (source[0] == '.' || source[0] == '/' || source[0] == '~');
}

std::string strip_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> all_keys() {
  std::vector<std::string> keys = kReadKeys;
  for (const auto& [key, why] : kIgnoredKeys) keys.push_back(key);
  return keys;
}

class ServiceReader {
 public:
  ServiceReader(Context& context, const Project& project, const std::set<std::string>& volumes,
                const Node& key, const Node& body)
      : m_context(context), m_project(project), m_volumes(volumes), m_key(key), m_body(body) {}

  ServiceSpec read() {
    m_spec.name = m_key.text;
    m_spec.defined_at = m_context.doc().where(m_key);
    m_prefix = "service '" + m_spec.name + "': ";
    if (m_body.is_null()) fail(m_key, "has no definition (it needs an image or a build)");
    if (!m_body.is_map()) fail(m_body, "must be a mapping, got " + m_body.kind_text());
    std::optional<long long> replicas, scale;
    const Node* replicas_node = nullptr;
    const Node* scale_node = nullptr;
    for (const auto& [key_node, value] : m_body.entries) {
      if (!key_node.is_scalar()) fail(key_node, "keys must be strings, got " + key_node.kind_text());
      const std::string& key = key_node.text;
      if (is_extension(key)) continue;
      if (key == "image") m_spec.image = text(value, key);
      else if (key == "build") read_build(value);
      else if (key == "command") m_spec.cmd = read_command(value, key);
      else if (key == "entrypoint") m_spec.entrypoint = read_command(value, key);
      else if (key == "environment") m_environment = read_pairs(value, key, /*from_variables=*/true);
      else if (key == "env_file") read_env_files(value);
      else if (key == "ports") read_ports(value);
      else if (key == "volumes") read_volumes(value);
      else if (key == "depends_on") read_depends_on(value);
      else if (key == "healthcheck") read_healthcheck(value);
      else if (key == "stop_signal") read_stop_signal(value);
      else if (key == "stop_grace_period") m_spec.stop_timeout = duration(value, key);
      else if (key == "user") m_spec.user = text(value, key);
      else if (key == "working_dir") m_spec.working_dir = text(value, key);
      else if (key == "labels") m_spec.labels = read_pairs(value, key, /*from_variables=*/false);
      else if (key == "profiles") read_profiles(value);
      else if (key == "deploy") replicas = read_deploy(value, replicas_node);
      else if (key == "scale") {
        scale = m_context.integer(value, m_prefix + "'scale'");
        scale_node = &value;
      }
      else if (key == "init") m_spec.init = m_context.boolean(value, m_prefix + "'init'");
      else if (key == "restart") read_restart(value);
      else unsupported(key_node);
    }
    if (replicas && scale && *replicas != *scale)
      fail(*replicas_node, "'scale' (" + std::to_string(*scale) + ") and 'deploy.replicas' (" +
                               std::to_string(*replicas) + ") differ");
    if (const auto n = replicas ? replicas : scale) {
      if (*n < 1 || *n > 1000)
        fail(replicas ? *replicas_node : *scale_node, "boss runs 1 to 1000 containers of a service, got " + std::to_string(*n) +
                                 (*n == 0 ? " (to leave a service out, give it a profile)" : ""));
      m_spec.instances = static_cast<int>(*n);
    }
    // environment wins over env_file, as in compose.
    for (auto& [name, value] : m_environment) m_env_file_values[name] = std::move(value);
    for (const auto& [name, value] : m_env_file_values) m_spec.env[name] = template_literal(value);
    if (m_spec.image.empty() && !m_spec.build_from_directory.empty())
      m_spec.image = m_project.name + "-" + m_spec.name;  // as compose names the images it builds
    return m_spec;
  }

 private:
  [[noreturn]] void fail(const Node& node, const std::string& message) const { m_context.fail(node, m_prefix + message); }
  std::string text(const Node& node, const std::string& key) const { return m_context.text(node, m_prefix + "'" + key + "'"); }

  void unsupported(const Node& key) {
    const auto it = kIgnoredKeys.find(key.text);
    if (it == kIgnoredKeys.end()) {
      const std::string guess = did_you_mean(key.text, all_keys());
      fail(key, "unknown key '" + key.text + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    }
    m_context.warn(key, m_prefix + "'" + key.text + "' is not supported by boss, ignored" +
                            (it->second.empty() ? "" : " (" + it->second + ")"));
  }

  double duration(const Node& node, const std::string& key) const {
    const std::string value = text(node, key);
    const auto seconds = parse_duration(value);
    if (!seconds) fail(node, "'" + key + "' must be a duration such as 10s, 1m30s or 500ms, got '" + value + "'");
    return *seconds;
  }

  fs::path resolve(const std::string& path) const {
    if (!path.empty() && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
      const char* home = std::getenv("HOME");
      return (fs::path(home ? home : "/") / path.substr(path.size() > 1 ? 2 : 1)).lexically_normal();
    }
    return (m_project.dir / path).lexically_normal();
  }

  std::vector<std::string> texts(const Node& list, const std::string& key) const {
    m_context.doc().sequence(list, m_prefix + "'" + key + "'");
    std::vector<std::string> out;
    for (const auto& item : list.items) out.push_back(text(item, key));
    return out;
  }

  // A string split as a shell would, or a list; each part literal (no {key} templates).
  std::optional<std::vector<std::string>> read_command(const Node& node, const std::string& key) {
    if (node.is_null()) return std::nullopt;
    std::vector<std::string> argv;
    if (node.is_scalar()) {
      try {
        argv = split_command_line(text(node, key));
      } catch (const DefinitionError& e) {
        fail(node, "'" + key + "': " + e.what());
      }
    } else {
      argv = texts(node, key);
    }
    for (auto& part : argv) part = template_literal(part);
    return argv;
  }

  // `environment`, `labels`, build `args`: { KEY: value } or [ "KEY=value", "KEY" ]. A
  // KEY without a value takes the variable's (shell, then .env) when `from_variables`
  // and is left out when that is unset; else it is "".
  std::map<std::string, std::string> read_pairs(const Node& node, const std::string& key, bool from_variables) {
    std::map<std::string, std::string> out;
    auto without_value = [&](const std::string& name) {
      if (!from_variables) {
        out[name] = "";
      } else if (auto value = m_context.variables()(name)) {
        out[name] = *value;
      }
    };
    if (node.is_map()) {
      for (const auto& [name, value] : node.entries) {
        if (value.is_null()) without_value(name.text);
        else out[name.text] = text(value, key + "." + name.text);
      }
    } else if (node.is_sequence()) {
      for (const auto& item : node.items) {
        const std::string entry = text(item, key);
        const auto equals = entry.find('=');
        if (equals == 0 || entry.empty()) fail(item, "'" + key + "': '" + entry + "' has no name");
        if (equals == std::string::npos) without_value(entry);
        else out[entry.substr(0, equals)] = entry.substr(equals + 1);
      }
    } else if (!node.is_null()) {
      fail(node, "'" + key + "' must be a mapping or a list of NAME=VALUE, got " + node.kind_text());
    }
    return out;
  }

  // env_file: a path or a list of paths or of { path, required }; read in order, later
  // files winning, relative to the compose file's folder.
  void read_env_files(const Node& node) {
    std::vector<const Node*> items;
    if (node.is_sequence()) {
      for (const auto& item : node.items) items.push_back(&item);
    } else {
      items.push_back(&node);
    }
    const EnvLookup earlier = [this](const std::string& name) -> std::optional<std::string> {
      const auto it = m_env_file_values.find(name);
      if (it == m_env_file_values.end()) return std::nullopt;
      return it->second;
    };
    for (const Node* item : items) {
      const Node* path_node = item;
      bool required = true;
      if (item->is_map()) {
        path_node = item->find("path");
        if (!path_node) fail(*item, "'env_file': an entry needs a 'path'");
        for (const auto& [key, value] : item->entries) {
          if (key.text == "required") required = m_context.boolean(value, m_prefix + "'env_file.required'");
          else if (key.text == "format") m_context.warn(key, m_prefix + "'env_file.format' is not supported by boss, ignored");
          else if (key.text != "path") fail(key, "'env_file': unknown key '" + key.text + "' (path, required)");
        }
      }
      const std::string written = text(*path_node, "env_file");
      const fs::path path = resolve(written);
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) {
        if (!required) continue;
        fail(*path_node, "env file '" + written + "' not found (" + path.string() + ")");
      }
      for (auto& [name, value] : parse_env_file(read_text_file(path), written, m_context.variables(), earlier))
        m_env_file_values[name] = std::move(value);
    }
  }

  void read_build(const Node& node) {
    std::string context = ".";
    if (node.is_scalar()) {
      context = text(node, "build");
    } else if (node.is_map()) {
      for (const auto& [key, value] : node.entries) {
        if (key.text == "context") context = text(value, "build.context");
        else if (key.text == "dockerfile") m_spec.dockerfile = text(value, "build.dockerfile");
        else if (key.text == "args") m_spec.build_args = read_pairs(value, "build.args", /*from_variables=*/true);
        else if (is_extension(key.text)) continue;
        else if (std::set<std::string>{"target", "cache_from", "cache_to", "labels", "network", "shm_size", "extra_hosts",
                                       "ssh", "secrets", "tags", "platforms", "dockerfile_inline", "additional_contexts",
                                       "isolation", "no_cache", "pull", "privileged", "ulimits", "entitlements",
                                       "provenance", "sbom"}
                     .count(key.text))
          m_context.warn(key, m_prefix + "'build." + key.text + "' is not supported by boss, ignored");
        else fail(key, "'build': unknown key '" + key.text + "'");
      }
    } else {
      fail(node, "'build' must be a folder or a mapping, got " + node.kind_text());
    }
    if (context.find("://") != std::string::npos || context.rfind("git@", 0) == 0)
      fail(node, "'build': boss builds from a local folder, not '" + context + "'");
    m_spec.build_from_directory = strip_trailing_slash(resolve(context).string());
  }

  void read_ports(const Node& node) {
    m_context.doc().sequence(node, m_prefix + "'ports'");
    for (const auto& item : node.items) {
      for (const auto& binding : compose::read_port(m_context, item, m_spec.name)) {
        const bool taken = std::any_of(m_spec.ports.begin(), m_spec.ports.end(), [&](const PortBinding& p) {
          return p.container_port == binding.container_port && p.protocol == binding.protocol;
        });
        if (taken) {
          m_context.warn(item, m_prefix + "ports: container port " + std::to_string(binding.container_port) + "/" +
                                   binding.protocol + " is published once by boss; this second binding is ignored");
          continue;
        }
        m_spec.ports.push_back(binding);
      }
    }
    std::sort(m_spec.ports.begin(), m_spec.ports.end(), [](const auto& a, const auto& b) {
      return std::tie(a.container_port, a.protocol) < std::tie(b.container_port, b.protocol);
    });
  }

  VolumeMount mount(const Node& at, const std::string& source, const std::string& target, const std::string& mode) {
    if (target.empty() || target[0] != '/') fail(at, "volumes: container path must be absolute, got '" + target + "'");
    for (const std::string* path : {&source, &target})
      if (!fits_bind_text(*path))
        fail(at, "volumes: the path '" + *path + "' holds ':', which the engine's source:target[:mode] binds cannot carry");
    VolumeMount m;
    m.target = target;
    m.mode = mode;
    if (looks_like_path(source)) {
      m.source = strip_trailing_slash(resolve(source).string());
      return m;
    }
    if (!m_volumes.count(source))
      fail(at, "volumes: named volume '" + source + "' is not declared under the top-level 'volumes' (a folder is written ./" +
                   source + ")");
    m.source = m.volume = source;  // Project::name_volumes makes it <project>_<name>
    m.named = true;
    return m;
  }

  void anonymous(const Node& at, const std::string& target) {
    m_context.warn(at, m_prefix + "volumes: anonymous volume " + target +
                           " is not supported by boss, ignored (name it: NAME:" + target +
                           ", declared under the top-level 'volumes')");
  }

  void read_volumes(const Node& node) {
    m_context.doc().sequence(node, m_prefix + "'volumes'");
    for (const auto& item : node.items) {
      if (item.is_map()) {
        read_long_volume(item);
        continue;
      }
      const std::string entry = text(item, "volumes");
      const std::vector<std::string> parts = split_at(entry, ':');
      if (parts.size() == 1) {
        anonymous(item, entry);
        continue;
      }
      if (parts.size() > 3) fail(item, "volumes: '" + entry + "' must look like SOURCE:TARGET[:MODE]");
      m_spec.volumes.push_back(mount(item, parts[0], parts[1], parts.size() == 3 ? parts[2] : ""));
    }
  }

  void read_long_volume(const Node& item) {
    std::string type = "volume", source, target;
    std::vector<std::string> modes;
    const Node* type_node = &item;
    for (const auto& [key, value] : item.entries) {
      const std::string& k = key.text;
      if (k == "type") type = text(value, "volumes.type"), type_node = &value;
      else if (k == "source") source = text(value, "volumes.source");
      else if (k == "target") target = text(value, "volumes.target");
      else if (k == "read_only") {
        if (m_context.boolean(value, m_prefix + "'volumes.read_only'")) modes.insert(modes.begin(), "ro");
      } else if (k == "bind") {
        for (const auto& [bind_key, bind_value] : m_context.doc().map(value, m_prefix + "'volumes.bind'").entries) {
          if (bind_key.text == "propagation") modes.push_back(text(bind_value, "volumes.bind.propagation"));
          else if (bind_key.text == "selinux") modes.push_back(text(bind_value, "volumes.bind.selinux"));
          else if (bind_key.text == "create_host_path") continue;  // the engine's binds make the folder
          else m_context.warn(bind_key, m_prefix + "'volumes.bind." + bind_key.text + "' is not supported by boss, ignored");
        }
      } else if (k == "volume" || k == "tmpfs" || k == "consistency" || k == "image") {
        m_context.warn(key, m_prefix + "'volumes." + k + "' is not supported by boss, ignored");
      } else {
        fail(key, "volumes: unknown key '" + k + "' (type, source, target, read_only, bind, volume, tmpfs)");
      }
    }
    if (target.empty()) fail(item, "volumes: 'target' is missing");
    if (type != "volume" && type != "bind") {
      m_context.warn(*type_node, m_prefix + "volumes: type '" + type + "' is not supported by boss, ignored");
      return;
    }
    if (source.empty()) {
      if (type == "bind") fail(item, "volumes: a bind mount needs a 'source'");
      anonymous(item, target);
      return;
    }
    if (type == "bind" && !looks_like_path(source)) source = "./" + source;
    if (type == "volume" && looks_like_path(source))
      fail(item, "volumes: a volume's source is a volume name, got the path '" + source + "' (use type: bind)");
    std::string mode;
    for (const auto& m : modes) mode += (mode.empty() ? "" : ",") + m;
    m_spec.volumes.push_back(mount(item, source, target, mode));
  }

  void add_dependency(const Node& at, const std::string& name, bool optional) {
    if (std::find(m_spec.dependencies.begin(), m_spec.dependencies.end(), name) != m_spec.dependencies.end())
      fail(at, "depends_on: '" + name + "' is listed twice");
    m_spec.dependencies.push_back(name);
    if (optional) m_spec.optional_dependencies.insert(name);
  }

  void read_depends_on(const Node& node) {
    if (node.is_sequence()) {
      for (const auto& item : node.items) add_dependency(item, text(item, "depends_on"), false);
      return;
    }
    if (!node.is_map()) fail(node, "'depends_on' must be a list of services or a mapping, got " + node.kind_text());
    for (const auto& [name_node, options] : node.entries) {
      const std::string& name = name_node.text;
      bool optional = false;
      if (!options.is_null()) {
        for (const auto& [key, value] : m_context.doc().map(options, m_prefix + "'depends_on." + name + "'").entries) {
          if (key.text == "condition") {
            const std::string condition = text(value, "depends_on." + name + ".condition");
            if (condition == "service_completed_successfully") {
              m_context.warn(value, m_prefix + "depends_on '" + name +
                                        "': condition service_completed_successfully is not supported yet: boss starts " +
                                        m_spec.name + " once '" + name +
                                        "' is up (running for 100 ms, or exited 0 by then), not once it has completed");
            } else if (condition != "service_started" && condition != "service_healthy") {
              fail(value, "depends_on '" + name + "': unknown condition '" + condition +
                              "' (service_started, service_healthy or service_completed_successfully)");
            }
          } else if (key.text == "required") {
            optional = !m_context.boolean(value, m_prefix + "'depends_on." + name + ".required'");
          } else if (key.text == "restart") {
            m_context.warn(key, m_prefix + "'depends_on." + name + ".restart' is not supported by boss, ignored");
          } else {
            fail(key, "depends_on '" + name + "': unknown key '" + key.text + "' (condition, required, restart)");
          }
        }
      }
      add_dependency(name_node, name, optional);
    }
  }

  void read_healthcheck(const Node& node) {
    m_context.doc().map(node, m_prefix + "'healthcheck'");
    // What the engine uses when compose leaves a time out (compose sends nothing then).
    HealthCheck check;
    check.interval = 30;
    check.timeout = 30;
    check.retries = 3;
    check.start_period = 0;
    check.start_interval = 5;
    bool has_test = false, disabled = false;
    for (const auto& [key, value] : node.entries) {
      const std::string& k = key.text;
      if (k == "test") {
        has_test = true;
        if (value.is_scalar()) {
          check.test = {"CMD-SHELL", text(value, "healthcheck.test")};
        } else {
          check.test = texts(value, "healthcheck.test");
          const std::string first = check.test.empty() ? "" : check.test.front();
          if (first != "CMD" && first != "CMD-SHELL" && first != "NONE")
            fail(value, "'healthcheck.test' as a list starts with CMD, CMD-SHELL or NONE");
          if (first == "NONE") disabled = true;
          else if (check.test.size() < 2 || (first == "CMD-SHELL" && check.test.size() != 2))
            fail(value, "'healthcheck.test': " + first + (first == "CMD" ? " needs a program after it" : " takes one command string"));
        }
        if (check.test.size() == 2 && check.test[1].find_first_not_of(" \t\r\n") == std::string::npos)
          fail(value, "'healthcheck.test' must not be empty");
      } else if (k == "interval") check.interval = duration(value, "healthcheck.interval");
      else if (k == "timeout") check.timeout = duration(value, "healthcheck.timeout");
      else if (k == "start_period") check.start_period = duration(value, "healthcheck.start_period");
      else if (k == "start_interval") check.start_interval = duration(value, "healthcheck.start_interval");
      else if (k == "retries") {
        const long long retries = m_context.integer(value, m_prefix + "'healthcheck.retries'");
        if (retries < 1 || retries > 1000000) fail(value, "'healthcheck.retries' must be at least 1, got " + std::to_string(retries));
        check.retries = static_cast<int>(retries);
      }
      else if (k == "disable") disabled = m_context.boolean(value, m_prefix + "'healthcheck.disable'");
      else if (is_extension(k)) continue;
      else fail(key, "'healthcheck': unknown key '" + k + "' (test, interval, timeout, retries, start_period, start_interval, disable)");
    }
    for (const auto& [key, value] : node.entries)
      if ((key.text == "interval" || key.text == "timeout" || key.text == "start_interval") &&
          duration(value, "healthcheck." + key.text) < 0.001)
        fail(value, "'healthcheck." + key.text + "' must be at least 1ms");
    if (disabled) {
      m_spec.healthcheck = disabled_healthcheck();
    } else if (!has_test) {
      m_context.warn(node, m_prefix + "a healthcheck without 'test' (changing only the image's check's times) is not "
                                      "supported by boss, ignored: the image's own check applies as it is");
    } else {
      m_spec.healthcheck = check;
    }
  }

  void read_stop_signal(const Node& node) {
    m_spec.stop_signal = text(node, "stop_signal");
    if (!is_valid_stop_signal(m_spec.stop_signal))
      fail(node, "unknown stop_signal '" + m_spec.stop_signal +
                     "' (use SIGINT, SIGTERM, SIGKILL, SIGQUIT, SIGHUP, SIGUSR1 or SIGUSR2)");
  }

  void read_restart(const Node& node) {
    m_spec.restart = text(node, "restart");
    if (!parse_restart_policy(m_spec.restart))
      fail(node, "'restart': unknown policy '" + m_spec.restart + "' (use " + kRestartPolicyForms + ")");
  }

  void read_profiles(const Node& node) {
    for (std::size_t i = 0; i < m_context.doc().sequence(node, m_prefix + "'profiles'").items.size(); ++i) {
      const std::string profile = text(node.items[i], "profiles");
      if (!is_profile_name(profile))
        fail(node.items[i], "'" + profile + "' is not a profile name (a letter or digit, then letters, digits, '_', '.', '-')");
      m_spec.profiles.push_back(profile);
    }
  }

  std::optional<long long> read_deploy(const Node& node, const Node*& replicas_node) {
    std::optional<long long> replicas;
    for (const auto& [key, value] : m_context.doc().map(node, m_prefix + "'deploy'").entries) {
      if (key.text == "replicas") {
        replicas = m_context.integer(value, m_prefix + "'deploy.replicas'");
        replicas_node = &value;
      } else if (key.text == "mode" && text(value, "deploy.mode") == "replicated") {
        continue;
      } else if (is_extension(key.text)) {
        continue;
      } else {
        m_context.warn(key, m_prefix + "'deploy." + key.text + "' is not supported by boss, ignored");
      }
    }
    return replicas;
  }

  Context& m_context;
  const Project& m_project;
  const std::set<std::string>& m_volumes;
  const Node& m_key;
  const Node& m_body;
  ServiceSpec m_spec;
  std::string m_prefix;
  std::map<std::string, std::string> m_environment;
  std::map<std::string, std::string> m_env_file_values;
};

// The top-level `volumes`: the names services may mount. Boss makes each as
// <project>_<name> with the local driver; what would change that is a warning.
std::set<std::string> read_top_volumes(Context& context, const Node& node) {
  std::set<std::string> names;
  if (node.is_null()) return names;
  for (const auto& [name, options] : context.doc().map(node, "'volumes'").entries) {
    names.insert(name.text);
    if (options.is_null()) continue;
    for (const auto& [key, value] : context.doc().map(options, "volume '" + name.text + "'").entries)
      if (!is_extension(key.text))
        context.warn(key, "volume '" + name.text + "': '" + key.text + "' is not supported by boss, ignored (boss makes <project>_" +
                              name.text + " with the local driver)");
  }
  return names;
}

}  // namespace

bool is_compose_file(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

namespace {

ComposeProject read_compose_document(const yaml::Document& doc, const std::filesystem::path& file,
                                     const ComposeInput& input) {
  const EnvLookup variables = shell_then_dotenv(input.environment, input.dotenv);
  Context context(doc, variables);
  ComposeProject out;
  Project& project = out.project;
  project.file = fs::absolute(file).lexically_normal();
  project.dir = project.file.parent_path();
  out.profiles = variables("COMPOSE_PROFILES");

  if (doc.root.is_null()) doc.fail(doc.root, "no services defined (the file is empty)");
  doc.map(doc.root, "the file");
  const Node* services = nullptr;
  std::string name_key;
  std::set<std::string> volumes;
  for (const auto& [key, value] : doc.root.entries) {
    const std::string& k = key.text;
    if (k == "services") services = &value;
    else if (k == "name") name_key = context.text(value, "'name'");
    else if (k == "volumes") volumes = read_top_volumes(context, value);
    else if (k == "version" || is_extension(k)) continue;
    else if (std::find(kTopKeys.begin(), kTopKeys.end(), k) != kTopKeys.end())
      context.warn(key, "'" + k + "' is not supported by boss, ignored" +
                            (k == "networks" ? std::string(" (every service is on the project's network boss-<project>)") : ""));
    else {
      const std::string guess = did_you_mean(k, kTopKeys);
      doc.fail(key, "unknown top-level key '" + k + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    }
  }
  if (!input.project_override.empty()) project.name = input.project_override;
  else if (auto env_name = variables("COMPOSE_PROJECT_NAME"); env_name && !env_name->empty()) project.name = *env_name;
  else if (!name_key.empty()) project.name = name_key;
  else project.name = slugify(project.dir.filename().string());

  if (!services || services->is_null()) doc.fail(services ? *services : doc.root, "no services defined");
  for (const auto& [key, body] : doc.map(*services, "'services'").entries) {
    if (is_extension(key.text)) continue;
    project.services.push_back(ServiceReader(context, project, volumes, key, body).read());
  }
  project.name_volumes();
  out.warnings = context.take_warnings();
  return out;
}

}  // namespace

ComposeProject read_compose_file(const std::filesystem::path& file, const ComposeInput& input) {
  return read_compose_document(yaml::load(file, file.string()), file, input);
}

ComposeProject read_compose_text(const std::string& text, const std::filesystem::path& file,
                                 const ComposeInput& input) {
  return read_compose_document(yaml::parse(text, file.string()), file, input);
}

}  // namespace boss
