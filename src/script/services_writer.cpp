#include "script/services_writer.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/host_binding.h"

namespace boss {
namespace {

namespace fs = std::filesystem;

bool is_identifier(const std::string& key) {
  static const std::set<std::string> kKeywords = {"and",  "break", "do",   "else", "elseif", "end",
                                                  "false", "for",  "function", "goto", "if", "in",
                                                  "local", "nil",  "not",  "or",   "repeat", "return",
                                                  "then", "true",  "until", "while"};
  if (key.empty() || kKeywords.count(key)) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string key_of(const std::string& key) { return is_identifier(key) ? key : "[" + lua_quote(key) + "]"; }

// The shortest text that reads back as `value`.
std::string number(double value) {
  char buffer[40];
  if (value == static_cast<double>(static_cast<long long>(value)) && value > -1e15 && value < 1e15)
    return std::to_string(static_cast<long long>(value));
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string string_list(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : " ") + lua_quote(items[i]);
  return out + (items.empty() ? "}" : " }");
}

std::string string_map(const std::map<std::string, std::string>& values, const std::string& indent) {
  if (values.empty()) return "{}";
  std::string out = "{\n";
  for (const auto& [key, value] : values) out += indent + "  " + key_of(key) + " = " + lua_quote(value) + ",\n";
  return out + indent + "}";
}

// The environment variable a converted registry password is read from:
// "<SERVICE>_REGISTRY_PASSWORD", uppercase, other characters as '_'.
std::string password_variable(const std::string& service) {
  std::string out;
  for (unsigned char c : service) out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return out + "_REGISTRY_PASSWORD";
}

class Writer {
 public:
  Writer(const Project& project, const ConvertOptions& options) : m_project(project), m_options(options) {}

  std::string service(const ServiceSpec& s) {
    m_out = "";
    if (s.registry_auth) {
      const std::string var = variable_of(s);
      m_out += "-- registry_auth's password is read from $" + var +
               " (the environment, then .env): boss convert writes no password.\n";
    }
    m_out += "boss.Service:extend {\n";
    field("name", lua_quote(s.name));
    field("image", lua_quote(s.image));
    if (!s.build_from_directory.empty()) field("build_from_directory", lua_quote(path(s.build_from_directory)));
    if (s.dockerfile != "Dockerfile") field("dockerfile", lua_quote(s.dockerfile));
    if (!s.build_args.empty()) field("build_args", string_map(s.build_args, "  "));
    if (s.entrypoint) field("entrypoint", string_list(*s.entrypoint));
    if (s.cmd) field("cmd", string_list(*s.cmd));
    if (!s.env.empty()) field("env", string_map(s.env, "  "));
    if (!s.ports.empty()) field("ports", ports(s.ports));
    if (!s.volumes.empty()) field("volumes", volumes(s.volumes));
    if (!s.dependencies.empty()) field("dependencies", dependencies(s));
    if (!s.profiles.empty()) field("profiles", string_list(s.profiles));
    if (!s.user.empty()) field("user", lua_quote(s.user));
    if (!s.working_dir.empty()) field("working_dir", lua_quote(s.working_dir));
    if (s.init) field("init", "true");
    if (!s.labels.empty()) field("labels", string_map(s.labels, "  "));
    if (!s.stop_signal.empty()) field("stop_signal", lua_quote(s.stop_signal));
    if (s.stop_timeout) field("stop_timeout", number(*s.stop_timeout));
    if (!s.restart.empty()) field("restart", lua_quote(s.restart));
    if (s.healthcheck) field("healthcheck", healthcheck(*s.healthcheck));
    if (s.instances != 1) field("instances", std::to_string(s.instances));
    if (s.always_start_new) field("always_start_new", "true");
    if (s.http) field("http", "{ port = " + std::to_string(s.http->port) + " }");
    if (s.on_demand) field("on_demand", "true");
    if (s.ping_interval != ServiceSpec{}.ping_interval) field("ping_interval", number(s.ping_interval));
    if (s.is_job) job(s.job);
    if (!s.sidecars.empty()) field("sidecars", string_list(s.sidecars));
    if (s.registry_auth)
      field("registry_auth", "{ username = " + lua_quote(s.registry_auth->username) +
                                 ", password = boss.secret(boss.env(" + lua_quote(variable_of(s)) + ")) }");
    return m_out + "}\n";
  }

 private:
  std::string variable_of(const ServiceSpec& s) const {
    const auto it = m_options.password_variables.find(s.name);
    return it != m_options.password_variables.end() ? it->second : password_variable(s.name);
  }

  void field(const std::string& name, const std::string& value) { m_out += "  " + name + " = " + value + ",\n"; }

  // Relative to the project's folder when it is inside it.
  std::string path(const std::string& absolute) const {
    const fs::path relative = fs::path(absolute).lexically_relative(m_project.dir);
    if (relative.empty() || *relative.begin() == "..") return absolute;
    return relative == "." ? "." : "./" + relative.string();
  }

  static std::string ports(const std::vector<PortBinding>& list) {
    std::string out = "{";
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& p = list[i];
      const std::string key = p.protocol == "tcp" ? "[" + std::to_string(p.container_port) + "]"
                                                   : "[" + lua_quote(std::to_string(p.container_port) + "/" + p.protocol) + "]";
      const std::string host = p.host_ip.empty() ? std::to_string(p.host_port)
                                                 : lua_quote(host_binding_text({p.host_ip, p.host_port}));
      out += (i ? ", " : " ") + key + " = " + host;
    }
    return out + " }";
  }

  std::string volumes(const std::vector<VolumeMount>& list) const {
    std::vector<std::string> items;
    for (const auto& v : list)
      items.push_back((v.named ? v.volume : path(v.source)) + ":" + v.target + (v.mode.empty() ? "" : ":" + v.mode));
    return string_list(items);
  }

  static std::string dependencies(const ServiceSpec& s) {
    std::string out = "{";
    for (std::size_t i = 0; i < s.dependencies.size(); ++i) {
      const auto& name = s.dependencies[i];
      out += i ? ", " : " ";
      out += s.optional_dependencies.count(name) ? "{ " + lua_quote(name) + ", optional = true }" : lua_quote(name);
    }
    return out + " }";
  }

  void job(const JobSpec& job) {
    field("kind", "\"job\"");
    if (!job.success_exit_codes.empty()) field("success_exit_codes", codes(job.success_exit_codes));
    if (job.timeout) field("timeout", number(*job.timeout));
    const JobSchedule& when = job.schedule;
    if (!when.cron.empty()) field("schedule", lua_quote(when.cron));
    if (when.every) field("every", number(*when.every));
    if (when.overlap != Overlap::skip) field("overlap", lua_quote(overlap_name(when.overlap)));
    if (when.catch_up) field("catch_up", "true");
    const RetryPolicy& r = job.retries;
    if (r == RetryPolicy{}) return;
    field("retries", "{ limit = " + std::to_string(r.limit) + ", delay = " + number(r.delay) + ", backoff = " +
                         number(r.backoff) + ", max_delay = " + number(r.max_delay) +
                         (r.on_exit.empty() ? "" : ", on_exit = " + codes(r.on_exit)) + " }");
  }

  static std::string codes(const std::vector<int>& list) {
    std::string out = "{";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : " ") + std::to_string(list[i]);
    return out + " }";
  }

  static std::string healthcheck(const HealthCheck& check) {
    if (check.disabled()) return "false";
    return "{\n    test = " + string_list(check.test) + ",\n    interval = " + number(check.interval) +
           ", timeout = " + number(check.timeout) + ", retries = " + std::to_string(check.retries) +
           ",\n    start_period = " + number(check.start_period) + ", start_interval = " + number(check.start_interval) +
           ",\n  }";
  }

  const Project& m_project;
  const ConvertOptions& m_options;
  std::string m_out;
};

}  // namespace

std::string lua_quote(const std::string& text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          // Three digits, so a digit after it is not read as part of the escape.
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\%03u", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string write_services_lua(const Project& project, const std::string& source, const ConvertOptions& options) {
  const ServiceNotes& notes = options.notes;
  std::string out = "-- services.lua for boss, converted from " + source +
                    " by `boss convert`.\n"
                    "-- Keep it in the same folder: relative paths are taken from there.\n"
                    "local boss = require \"boss\"\n\n"
                    "boss.project " +
                    lua_quote(project.name) + "\n";
  Writer writer(project, options);
  if (!project.sidecars.empty()) out += "\n-- Sidecars: started beside the jobs that name them in `sidecars`, never on their own.\n";
  for (const auto& s : project.sidecars) out += "\n" + writer.service(s);
  for (const auto& s : project.services) {
    out += "\n";
    if (const auto it = notes.find(s.name); it != notes.end())
      for (const auto& line : it->second) out += "-- " + line + "\n";
    out += writer.service(s);
  }
  return out;
}

}  // namespace boss
