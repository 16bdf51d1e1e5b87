#include "core/byte_size.h"
#include "core/validate.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/errors.h"
#include "core/graph.h"
#include "core/host_binding.h"
#include "core/restart_policy.h"
#include "core/sidecars.h"
#include "core/template.h"

namespace boss {

std::string slugify(const std::string& text) {
  std::string out;
  bool dash = false;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      dash = true;
    }
  }
  return out.empty() ? "boss" : out;
}

bool is_valid_hostname(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

bool is_valid_service_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

std::string hostname_for(const std::string& name) {
  std::string out;
  for (unsigned char c : name) out += std::isalnum(c) ? static_cast<char>(c) : '-';
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool is_valid_project_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto ok_start = [](unsigned char c) { return std::islower(c) || std::isdigit(c); };
  if (!ok_start(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](unsigned char c) {
    return ok_start(c) || c == '-' || c == '_';
  });
}

bool is_valid_stop_signal(const std::string& signal) {
  static const std::set<std::string> known = {"SIGINT",  "SIGTERM", "SIGKILL", "SIGQUIT",
                                              "SIGHUP",  "SIGUSR1", "SIGUSR2"};
  return known.count(signal) > 0;
}

bool is_profile_name(const std::string& name) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !alnum(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// two neighbours each cost 1, so "imgae" is one edit from "image".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The edits is_close_name allows between a word and a candidate, or nullopt when the
// candidate is not close.
std::optional<std::size_t> close_distance(const std::string& word, const std::string& candidate) {
  const std::size_t shorter = std::min(word.size(), candidate.size());
  const std::size_t d = edit_distance(lowercase(word), lowercase(candidate));
  if (d > std::max<std::size_t>(1, shorter / 4) || d >= shorter) return std::nullopt;
  return d;
}

}  // namespace

bool is_close_name(const std::string& word, const std::string& candidate) {
  return close_distance(word, candidate).has_value();
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::optional<std::size_t> best_distance;
  for (const auto& candidate : candidates) {
    const auto d = close_distance(word, candidate);
    if (d && (!best_distance || *d < *best_distance)) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

bool fits_bind_text(const std::string& path) {
  return !path.empty() && path.find(':') == std::string::npos && path.find('\0') == std::string::npos;
}

namespace {

std::string where(const ServiceSpec& s) {
  return (s.defined_at.empty() ? "" : s.defined_at + ": ") + "service '" + s.name + "'";
}

bool valid_volume_mode(const std::string& mode) {
  static const std::set<std::string> options = {"ro", "rw", "z", "Z", "shared", "slave", "private", "rshared",
                                                "rslave", "rprivate", "nocopy", "consistent", "cached", "delegated"};
  std::size_t start = 0;
  while (start <= mode.size()) {
    const auto comma = mode.find(',', start);
    const auto option = mode.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!options.count(option)) return false;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

// What the engine would reject at create time, reported now, before anything is touched.
void check_container_fields(const ServiceSpec& s) {
  for (const auto& [key, value] : s.env)
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos)
      throw DefinitionError(where(s) + ": field 'env': invalid variable name '" + key + "' (no '=', not empty)");
  std::set<std::string> targets;
  for (const auto& v : s.volumes) {
    for (const std::string* path : {&v.source, &v.target})
      if (!fits_bind_text(*path))
        throw DefinitionError(where(s) + ": field 'volumes': the path '" + *path +
                              "' is empty or holds ':', which the engine's source:target[:mode] binds cannot carry");
    if (!v.mode.empty() && !valid_volume_mode(v.mode))
      throw DefinitionError(where(s) + ": field 'volumes': invalid mode '" + v.mode + "' for " + v.target +
                            " (use ro or rw, optionally with z, Z or a propagation mode)");
    if (!targets.insert(v.target).second)
      throw DefinitionError(where(s) + ": field 'volumes': two mounts at " + v.target);
  }
  for (const auto& [key, value] : s.labels)
    if (key.empty() || key.rfind("boss.", 0) == 0)
      throw DefinitionError(where(s) + ": field 'labels': " +
                            (key.empty() ? std::string("a label name is empty")
                                         : "label '" + key + "' is boss's own (boss.* labels are how boss finds its containers)"));
  if (!s.working_dir.empty() && s.working_dir.front() != '/')
    throw DefinitionError(where(s) + ": field 'working_dir' must be an absolute path in the container, got '" +
                          s.working_dir + "'");
  const bool bad_image = s.image.find_first_of(" \t\n") != std::string::npos ||
                         s.image.front() == ':' || s.image.front() == '/' || s.image.back() == ':';
  if (bad_image) throw DefinitionError(where(s) + ": field 'image': invalid image reference '" + s.image + "'");
  // build_from_directory is not checked here: a missing folder must not keep `stop` or
  // `status` from working (check_build_contexts, for what starts).
}

// Whether two host addresses of port bindings ("" = all) can take the same port.
bool addresses_overlap(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == b) return true;
  auto wildcard_over = [](const std::string& any, const std::string& ip) {
    const bool v6 = ip.find(':') != std::string::npos;
    return (any == "0.0.0.0" && !v6) || (any == "::" && v6);
  };
  return wildcard_over(a, b) || wildcard_over(b, a);
}

void check_templates(const ServiceSpec& s) {
  auto check = [&](const std::string& field, const std::string& text) {
    try {
      check_template(text);
    } catch (const DefinitionError& e) {
      throw DefinitionError(where(s) + ": field '" + field + "': " + e.what());
    }
  };
  for (const auto& [key, value] : s.env) check("env." + key, value);
  if (s.cmd)
    for (const auto& part : *s.cmd) check("cmd", part);
  if (s.entrypoint)
    for (const auto& part : *s.entrypoint) check("entrypoint", part);
}

// What contradicts running to completion once: a job is one container, it is done when
// it exits (no ready moment to ping or check, nothing after it to run post_start on), and
// boss, not the engine, runs it again.
void check_job(const ServiceSpec& s) {
  auto refuse = [&](const std::string& field, const std::string& why) {
    throw DefinitionError(where(s) + ": field '" + field + "': " + why + " (kind = \"job\")");
  };
  if (s.instances > 1) refuse("instances", "a job runs one container at a time");
  if (s.has_ping) refuse("ping", "a job is done when it exits with success, not when a ping passes");
  if (s.has_post_start) refuse("post_start", "a job has no moment of being up to run it at");
  if (s.healthcheck && !s.healthcheck->disabled())
    refuse("healthcheck", "a job is done when it exits with success, not when it is healthy");
  if (!s.restart.empty() && s.restart != "no")
    refuse("restart", "the engine must not restart a job: use retries = { limit = N }");
  for (int code : s.job.success_exit_codes)
    if (std::find(s.job.retries.on_exit.begin(), s.job.retries.on_exit.end(), code) != s.job.retries.on_exit.end())
      refuse("retries", "on_exit code " + std::to_string(code) + " is also a success exit code");
  const JobSchedule& schedule = s.job.schedule;
  if (!schedule.cron.empty() && schedule.every)
    throw DefinitionError(where(s) + ": fields 'schedule' and 'every' both say when it runs: give one");
  if (!schedule.scheduled() && schedule.catch_up)
    throw DefinitionError(where(s) + ": field 'catch_up': there is no schedule to catch up on (give schedule or every)");
  if (!schedule.scheduled() && schedule.overlap != Overlap::skip)
    throw DefinitionError(where(s) + ": field 'overlap': there is no schedule for runs to overlap on (give schedule or every)");
}

// A template (kind = "template") is checked like a service, and for what launching many
// containers from it needs: no fixed host port, one instance each, dependencies on the
// project's services (started first), a name that leaves room for "-<id>".
void check_template(const Project& project, const ServiceSpec& t, std::set<std::string>& names) {
  if (!is_valid_service_name(t.name) || t.name.size() > 40)
    throw DefinitionError(where(t) + ": name is not a valid template name (letters, digits, '_', '.' and '-', at most 40, starting with a letter or digit)");
  if (!names.insert(t.name).second) throw DefinitionError(where(t) + ": name taken by another service or template");
  if (t.image.empty()) throw DefinitionError(where(t) + ": field 'image' is missing");
  if (t.instances != 1)
    throw DefinitionError(where(t) + ": field 'instances': each launch of a template is one container");
  if (t.on_demand) throw DefinitionError(where(t) + ": field 'on_demand': a template is launched, never started by itself");
  for (const auto& p : t.ports)
    if (p.host_port != 0)
      throw DefinitionError(where(t) + ": field 'ports': host port " + std::to_string(p.host_port) +
                            " would be published by every launch: use host port 0 (any free port)");
  if (!t.restart.empty() && !parse_restart_policy(t.restart))
    throw DefinitionError(where(t) + ": field 'restart': unknown policy '" + t.restart + "' (use " +
                          kRestartPolicyForms + ")");
  if (t.mem_limit && *t.mem_limit < kMinMemLimit)
    throw DefinitionError(where(t) + ": field 'mem_limit' must be at least 6m (the engine's minimum), got " +
                          byte_size_text(*t.mem_limit));
  for (const auto& dep : t.dependencies) {
    if (project.find(dep)) continue;
    const auto hint = did_you_mean(dep, project.names());
    throw DefinitionError(where(t) + ": depends on unknown service '" + dep + "'" +
                          (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  check_templates(t);
  check_container_fields(t);
}

}  // namespace

void validate_project(const Project& project) {
  if (!is_valid_project_name(project.name))
    throw DefinitionError("invalid project name '" + project.name +
                          "': use lowercase letters, digits, '-' and '_', starting with a letter or digit");
  if (project.services.empty() && project.templates.empty())
    throw DefinitionError(project.file.string() + ": no services defined (a service is a class with a name: boss.Service:extend { name = ..., image = ... })");
  std::set<std::string> names;
  for (const auto& s : project.services) {
    if (s.name.empty()) throw DefinitionError(where(s) + ": field 'name' must not be empty");
    if (!is_valid_service_name(s.name))
      throw DefinitionError(where(s) + ": name is not a valid service name (letters, digits, '_', '.' and '-', at most 63, starting with a letter or digit)");
    if (!names.insert(s.name).second) {
      std::string first;
      for (const auto& other : project.services)
        if (other.name == s.name) { first = other.defined_at; break; }
      throw DefinitionError(where(s) + ": duplicate service name" +
                            (first.empty() ? "" : " (first defined at " + first + ")"));
    }
    if (s.image.empty()) throw DefinitionError(where(s) + ": field 'image' is missing");
    if (!s.stop_signal.empty() && !is_valid_stop_signal(s.stop_signal))
      throw DefinitionError(where(s) + ": unknown stop_signal '" + s.stop_signal +
                            "' (use SIGINT, SIGTERM, SIGKILL, SIGQUIT, SIGHUP, SIGUSR1 or SIGUSR2)");
    if (!s.restart.empty() && !parse_restart_policy(s.restart))
      throw DefinitionError(where(s) + ": field 'restart': unknown policy '" + s.restart + "' (use " +
                            kRestartPolicyForms + ")");
    if (!(s.ping_interval > 0))
      throw DefinitionError(where(s) + ": field 'ping_interval' must be a positive number of seconds");
    if (s.mem_limit && *s.mem_limit < kMinMemLimit)
      throw DefinitionError(where(s) + ": field 'mem_limit' must be at least 6m (the engine's minimum), got " +
                            byte_size_text(*s.mem_limit));
    if (s.idle_timeout && !s.on_demand)
      throw DefinitionError(where(s) + ": field 'idle_timeout' is only for on_demand services (on_demand = true)");
    if (s.idle_timeout && !(*s.idle_timeout > 0))
      throw DefinitionError(where(s) + ": field 'idle_timeout' must be a positive duration");
    check_templates(s);
    check_container_fields(s);
    if (s.is_job) check_job(s);
  }
  for (const auto& s : project.sidecars) {
    check_templates(s);
    check_container_fields(s);
  }
  validate_sidecars(project);
  for (const auto& t : project.templates) check_template(project, t, names);
  // A fixed host port can be published once per protocol and address, across the whole
  // project.
  std::vector<std::pair<const PortBinding*, std::string>> fixed;  // binding, its service
  for (const auto& s : project.services) {
    for (const auto& p : s.ports) {
      if (p.host_port == 0) continue;
      if (s.instances > 1)
        throw DefinitionError(where(s) + ": field 'ports': host port " +
                              host_binding_text({p.host_ip, p.host_port}) + "/" + p.protocol +
                              " cannot be published by " + std::to_string(s.instances) +
                              " instances: use host port 0 (any free port)");
      for (const auto& [other, service] : fixed)
        if (other->host_port == p.host_port && other->protocol == p.protocol &&
            addresses_overlap(other->host_ip, p.host_ip))
          throw DefinitionError(where(s) + ": field 'ports': host port " +
                                host_binding_text({p.host_ip, p.host_port}) + "/" + p.protocol +
                                " is already published by " +
                                (service == s.name ? "this service" : "service '" + service + "'"));
      fixed.emplace_back(&p, s.name);
    }
  }
  for (const auto& s : project.services) {
    for (const auto& dep : s.dependencies) {
      if (names.count(dep) && !project.find_template(dep)) continue;
      if (project.find_template(dep))
        throw DefinitionError(where(s) + ": depends on '" + dep + "', a template: it is launched, never started for a service");
      const auto hint = did_you_mean(dep, project.names());
      throw DefinitionError(where(s) + ": depends on unknown service '" + dep + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    if (std::find(s.dependencies.begin(), s.dependencies.end(), s.name) != s.dependencies.end())
      throw DefinitionError(where(s) + ": depends on itself");
    if (!s.engine.empty() && !project.find_engine(s.engine)) {
      std::vector<std::string> engines;
      for (const auto& e : project.engines) engines.push_back(e.name);
      const auto hint = did_you_mean(s.engine, engines);
      throw DefinitionError(where(s) + ": field 'engine': unknown engine '" + s.engine + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                            (engines.empty() ? " (declare it first: boss.engine \"" + s.engine + "\" { host = ... })"
                                             : ""));
    }
    // Instance i answers to "<name>-<i>" on the project network.
    for (int i = 1; s.instances > 1 && i <= s.instances; ++i)
      if (const ServiceSpec* other = project.find(s.name + "-" + std::to_string(i)))
        throw DefinitionError(where(s) + ": field 'instances': instance " + std::to_string(i) + " answers to '" +
                              other->name + "', which is the name of another service" +
                              (other->defined_at.empty() ? "" : " (defined at " + other->defined_at + ")"));
  }
  // `boss proxy` answers <hostname>.<domain> for each http service: two services whose
  // names give one hostname ("a_b", "a-b", "A-b": host names ignore case) would make
  // that host ambiguous.
  std::map<std::string, const ServiceSpec*> hosts;
  for (const auto& s : project.services) {
    if (!s.http) continue;
    const auto [it, fresh] = hosts.emplace(lowercase(hostname_for(s.name)), &s);
    if (!fresh)
      throw DefinitionError(where(s) + ": field 'http': its host name '" + it->first + "' is also service '" +
                            it->second->name + "''s (rename one of them)");
  }
  const auto cycle = DependencyGraph(project).find_cycle();
  if (!cycle.empty()) {
    std::string path;
    for (const auto& node : cycle) path += (path.empty() ? "" : " -> ") + node;
    throw DefinitionError("dependency cycle: " + path);
  }
}

void check_build_contexts(const Project& project, const std::vector<std::string>& services) {
  namespace fs = std::filesystem;
  for (const auto& name : services) {
    const ServiceSpec* s = project.find(name);
    if (!s || s->build_from_directory.empty()) continue;
    const fs::path dir = s->build_from_directory;
    std::error_code error;
    if (!fs::is_directory(dir, error))
      throw DefinitionError(where(*s) + ": field 'build_from_directory': " +
                            (fs::exists(dir, error) ? dir.string() + " is not a folder"
                                                    : "folder " + dir.string() + " does not exist"));
    const fs::path dockerfile = (dir / s->dockerfile).lexically_normal();
    if (fs::is_regular_file(dockerfile, error)) continue;
    if (s->dockerfile == "Dockerfile")
      throw DefinitionError(where(*s) + ": field 'build_from_directory': folder " + dir.string() +
                            " has no Dockerfile");
    throw DefinitionError(where(*s) + ": field 'dockerfile': file " + dockerfile.string() + " does not exist");
  }
}

}  // namespace boss
