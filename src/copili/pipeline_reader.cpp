#include "copili/pipeline_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/command_words.h"
#include "core/env_file.h"
#include "core/errors.h"
#include "core/schedule.h"
#include "core/template.h"
#include "core/validate.h"
#include "yaml/yaml_tree.h"

namespace boss {
namespace {

namespace fs = std::filesystem;
using yaml::Node;

// A container description's keys, as copili's README has them ("repo" is how its JSON
// examples write image_repo, "dependency" its other spelling of dependencies).
const std::vector<std::string> kKeys = {"name",         "info_link", "desc",     "image_repo",   "repo",
                                        "tag",          "image_reg_username",    "image_reg_password",
                                        "is_service_container",  "env_vars", "dependencies", "dependency",
                                        "exlude_in_env", "volumes",  "command",  "sidecars", "schedule"};
// When copili's service mode runs an is_service_container description: once a day at 00:00.
constexpr const char* kCopiliServiceSchedule = "0 0 * * *";

// The pipeline's name as a project name: lowercase, [a-z0-9_-], starting with a letter or
// digit ("ExmaplePipeline" -> "exmaplepipeline", "my pipeline" -> "my-pipeline").
std::string project_name_of(const std::string& pipeline) {
  std::string out;
  for (unsigned char c : pipeline) {
    const char lower = static_cast<char>(std::tolower(c));
    const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_' || lower == '-';
    out += keep ? lower : '-';
  }
  const auto first = out.find_first_not_of("-_");
  return first == std::string::npos ? "" : out.substr(first);
}

// "VAR" when `raw` is just "$VAR" or "${VAR}".
std::optional<std::string> variable_named(const std::string& raw) {
  std::string name = raw;
  if (name.size() < 2 || name[0] != '$') return std::nullopt;
  name.erase(0, 1);
  if (name.front() == '{') {
    if (name.back() != '}') return std::nullopt;
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return std::nullopt;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_') return std::nullopt;
  return name;
}

class Reader {
 public:
  Reader(const yaml::Document& doc, const PipelineInput& input, const fs::path& file) : m_doc(doc) {
    m_variables = shell_then_dotenv(input.environment, input.dotenv);
    m_out.project.file = fs::absolute(file).lexically_normal();
    m_out.project.dir = m_out.project.file.parent_path();
    m_project_override = input.project_override;
  }

  PipelineProject read() {
    const Node& root = m_doc.root;
    if (root.is_null()) m_doc.fail(root, "no pipeline defined (the file is empty)");
    if (!root.is_map() || root.entries.size() != 1)
      m_doc.fail(root, "a copili pipeline is one key, the pipeline's name, holding a list of container descriptions; got " +
                           (root.is_map() ? std::to_string(root.entries.size()) + " keys" : root.kind_text()));
    const auto& [name_node, list] = root.entries.front();
    const std::string pipeline = text(name_node, "the pipeline's name");
    Project& project = m_out.project;
    project.name = m_project_override.empty() ? project_name_of(pipeline) : m_project_override;
    if (project.name.empty())
      m_doc.fail(name_node, "the pipeline's name '" + pipeline + "' has no letter or digit to name the project by (use -p)");
    if (list.is_null()) m_doc.fail(list, "pipeline '" + pipeline + "': no container descriptions");
    m_doc.sequence(list, "pipeline '" + pipeline + "'");
    const std::string env = m_variables("ENV").value_or("");
    std::set<std::string> excluded;
    for (const auto& item : list.items) {
      bool exclude = false;
      ServiceSpec spec = description(item, env, exclude);
      if (exclude) {
        excluded.insert(spec.name);
        m_out.excluded.push_back(spec.name);
        continue;
      }
      project.services.push_back(std::move(spec));
    }
    for (auto& s : project.services)
      s.dependencies.erase(std::remove_if(s.dependencies.begin(), s.dependencies.end(),
                                          [&](const std::string& d) { return excluded.count(d) > 0; }),
                           s.dependencies.end());
    // The sidecars of left-out descriptions go with them.
    auto& sidecars = project.sidecars;
    sidecars.erase(std::remove_if(sidecars.begin(), sidecars.end(),
                                  [&](const ServiceSpec& sidecar) {
                                    return std::none_of(project.services.begin(), project.services.end(),
                                                        [&](const ServiceSpec& s) {
                                                          return std::find(s.sidecars.begin(), s.sidecars.end(),
                                                                           sidecar.name) != s.sidecars.end();
                                                        });
                                  }),
                   sidecars.end());
    project.name_volumes();
    return std::move(m_out);
  }

 private:
  [[noreturn]] void fail(const Node& at, const std::string& message) const { m_doc.fail(at, m_prefix + message); }

  // A scalar's text with `$VAR`, `${VAR}` (and compose's ${VAR:-default} forms) filled.
  std::string text(const Node& node, const std::string& what) const {
    const std::string raw = m_doc.scalar(node, m_prefix + what);
    InterpolationRules rules;
    rules.dollar_escape = true;
    try {
      return interpolate(raw, m_variables, rules);
    } catch (const InterpolationError& e) {
      fail(node, what + ": " + e.what());
    }
  }

  bool boolean(const Node& node, const std::string& what) const {
    Node copy = node;
    if (copy.is_scalar()) copy.text = text(node, what);
    return m_doc.boolean(copy, m_prefix + what);
  }

  // A list of strings; a single string is a list of one.
  std::vector<std::string> texts(const Node& node, const std::string& what) const {
    if (node.is_null()) return {};
    if (node.is_scalar()) return {text(node, what)};
    std::vector<std::string> out;
    for (const auto& item : m_doc.sequence(node, m_prefix + what).items) out.push_back(text(item, what));
    return out;
  }

  // A container description: a job of the pipeline, or (`sidecar_of`: the job's name) one
  // of a job's sidecars, which has no dependencies, schedule, exclusion or sidecars.
  ServiceSpec description(const Node& item, const std::string& env, bool& exclude, const std::string& sidecar_of = "") {
    const bool sidecar = !sidecar_of.empty();
    m_prefix = sidecar ? "'" + sidecar_of + "': 'sidecars': " : "";
    m_doc.map(item, m_prefix + "a container description");
    const Node* name = item.find("name");
    if (!name) m_doc.fail(item, m_prefix + "container description without 'name'");
    ServiceSpec spec;
    spec.name = text(*name, "'name'");
    spec.defined_at = m_doc.where(*name);
    spec.is_job = !sidecar;
    m_prefix = sidecar ? "'" + sidecar_of + "': sidecar '" + spec.name + "': " : "'" + spec.name + "': ";
    static const std::vector<std::string> kNotForSidecars = {"dependencies", "dependency", "is_service_container",
                                                             "exlude_in_env", "sidecars", "schedule"};
    std::string repo, tag = "latest";
    const Node* repo_node = nullptr;
    const Node* dependencies_node = nullptr;
    const Node* schedule_node = nullptr;
    std::optional<RegistryAuth> auth;
    for (const auto& [key, value] : item.entries) {
      const std::string& k = key.text;
      if (k == "name") continue;
      if (sidecar && std::find(kNotForSidecars.begin(), kNotForSidecars.end(), k) != kNotForSidecars.end())
        fail(key, "'" + k + "' is not for a sidecar (it starts and ends with its job)");
      if (k == "image_repo" || k == "repo") {
        if (repo_node) fail(key, "'" + k + "' and 'image_repo' both name the image (write one)");
        repo_node = &value;
        repo = text(value, "'" + k + "'");
      } else if (k == "tag") {
        tag = text(value, "'tag'");
      } else if (k == "env_vars") {
        if (value.is_null()) continue;
        for (const auto& [var, val] : m_doc.map(value, m_prefix + "'env_vars'").entries)
          spec.env[var.text] = template_literal(val.is_null() ? "" : text(val, "'env_vars." + var.text + "'"));
      } else if (k == "dependencies" || k == "dependency") {
        if (dependencies_node) fail(key, "'dependencies' and 'dependency' are one list (write one)");
        dependencies_node = &value;
        for (const auto& dep : texts(value, "'" + k + "'")) {
          if (std::find(spec.dependencies.begin(), spec.dependencies.end(), dep) != spec.dependencies.end())
            fail(value, "'" + k + "': '" + dep + "' is listed twice");
          spec.dependencies.push_back(dep);
        }
      } else if (k == "is_service_container") {
        if (boolean(value, "'is_service_container'")) m_out.service_containers.push_back(spec.name);
      } else if (k == "schedule") {
        schedule_node = &value;
        try {
          parse_cron(text(value, "'schedule'"));
        } catch (const DefinitionError& e) {
          fail(value, "'schedule' " + std::string(e.what()));
        }
        spec.job.schedule.cron = text(value, "'schedule'");
      } else if (k == "exlude_in_env") {
        const auto envs = texts(value, "'exlude_in_env'");
        exclude = !env.empty() && std::find(envs.begin(), envs.end(), env) != envs.end();
      } else if (k == "volumes") {
        read_volumes(value, spec);
      } else if (k == "command") {
        spec.cmd = command(value);
      } else if (k == "sidecars") {
        read_sidecars(value, env, spec);
      } else if (k == "image_reg_username") {
        if (!auth) auth = RegistryAuth{};
        auth->username = text(value, "'image_reg_username'");
      } else if (k == "image_reg_password") {
        if (!auth) auth = RegistryAuth{};
        auth->password = text(value, "'image_reg_password'");
        if (const auto var = variable_named(m_doc.scalar(value, m_prefix + "'image_reg_password'")))
          m_out.password_variables[spec.name] = *var;
      } else if (k == "info_link") {
        spec.labels["copili.info_link"] = text(value, "'info_link'");
      } else if (k == "desc") {
        spec.labels["copili.desc"] = text(value, "'desc'");
      } else {
        const std::string guess = did_you_mean(k, kKeys);
        fail(key, "unknown key '" + k + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
      }
    }
    // A service container is a scheduled job: copili's daily 00:00, or its `schedule`.
    const bool service_container =
        !m_out.service_containers.empty() && m_out.service_containers.back() == spec.name;
    if (schedule_node && !service_container)
      fail(*schedule_node, "'schedule' is for descriptions with is_service_container: true");
    if (service_container && spec.job.schedule.cron.empty()) spec.job.schedule.cron = kCopiliServiceSchedule;
    if (!repo_node) fail(item, "'image_repo' is missing");
    if (repo.empty()) fail(*repo_node, "'image_repo' must not be empty");
    if (tag.empty()) fail(*item.find("tag"), "'tag' must not be empty");
    // copili pulls image_repo:tag; a repo that already carries a tag or digest is taken as it is.
    const auto slash = repo.rfind('/');
    const bool tagged = repo.find('@') != std::string::npos ||
                        repo.find(':', slash == std::string::npos ? 0 : slash) != std::string::npos;
    if (tagged && item.find("tag")) fail(*item.find("tag"), "'tag' is given, and 'image_repo' already has one: '" + repo + "'");
    spec.image = tagged ? repo : repo + ":" + tag;
    if (auth) {
      if (auth->username.empty() || auth->password.empty())
        fail(item, "'image_reg_username' and 'image_reg_password' go together (one is missing or empty)");
      spec.registry_auth = auth;
    }
    return spec;
  }

  // Each sidecar description goes to project.sidecars (once: two jobs may describe the same
  // sidecar alike), its name to the job's sidecars.
  void read_sidecars(const Node& node, const std::string& env, ServiceSpec& job) {
    if (node.is_null()) return;
    const std::string prefix = m_prefix;
    for (const auto& item : m_doc.sequence(node, m_prefix + "'sidecars'").items) {
      bool unused = false;
      ServiceSpec sidecar = description(item, env, unused, job.name);
      m_prefix = prefix;
      if (std::find(job.sidecars.begin(), job.sidecars.end(), sidecar.name) != job.sidecars.end())
        fail(item, "'sidecars': '" + sidecar.name + "' is listed twice");
      job.sidecars.push_back(sidecar.name);
      auto& known = m_out.project.sidecars;
      const auto same = std::find_if(known.begin(), known.end(), [&](const ServiceSpec& s) { return s.name == sidecar.name; });
      if (same == known.end()) {
        known.push_back(std::move(sidecar));
        continue;
      }
      ServiceSpec other = *same;
      other.defined_at = sidecar.defined_at;
      if (!(other == sidecar))
        fail(item, "'sidecars': sidecar '" + sidecar.name + "' is described differently at " + same->defined_at +
                       " (one name, one definition: rename one)");
    }
  }

  std::vector<std::string> command(const Node& node) const {
    std::vector<std::string> argv;
    if (node.is_null()) return argv;
    if (node.is_scalar()) {
      try {
        argv = split_command_line(text(node, "'command'"));
      } catch (const DefinitionError& e) {
        fail(node, std::string("'command': ") + e.what());
      }
    } else {
      for (const auto& part : m_doc.sequence(node, m_prefix + "'command'").items) argv.push_back(text(part, "'command'"));
    }
    for (auto& part : argv) part = template_literal(part);
    return argv;
  }

  // docker-py's form: { "/host/path": { "bind": "/in/container", "mode": "rw" } }. A key
  // that is no path (absolute, ./, ../ or ~) names a volume (<project>_<name>).
  void read_volumes(const Node& node, ServiceSpec& spec) const {
    if (node.is_null()) return;
    for (const auto& [source_node, options] : m_doc.map(node, m_prefix + "'volumes'").entries) {
      const std::string source = text(source_node, "'volumes'");
      if (source.empty()) fail(source_node, "'volumes': a host path must not be empty");
      std::string bind, mode;
      for (const auto& [key, value] : m_doc.map(options, m_prefix + "'volumes." + source + "'").entries) {
        if (key.text == "bind") bind = text(value, "'volumes." + source + ".bind'");
        else if (key.text == "mode") mode = text(value, "'volumes." + source + ".mode'");
        else fail(key, "'volumes." + source + "': unknown key '" + key.text + "' (bind, mode)");
      }
      if (bind.empty()) fail(options, "'volumes." + source + "': 'bind' (the path in the container) is missing");
      if (bind[0] != '/') fail(options, "'volumes." + source + ".bind' must be an absolute path, got '" + bind + "'");
      for (const std::string* path : {&source, static_cast<const std::string*>(&bind)})
        if (!fits_bind_text(*path))
          fail(options, "'volumes." + source + "': the path '" + *path +
                            "' holds ':', which the engine's source:target[:mode] binds cannot carry");
      if (!mode.empty() && mode != "rw" && mode != "ro")
        fail(options, "'volumes." + source + ".mode' is rw or ro, got '" + mode + "'");
      VolumeMount m;
      m.target = bind;
      m.mode = mode;
      if (source[0] == '/' || source[0] == '.' || source[0] == '~') {
        fs::path path = source;
        if (source[0] == '~') {
          const char* home = std::getenv("HOME");
          path = fs::path(home ? home : "/") / source.substr(source.size() > 1 && source[1] == '/' ? 2 : 1);
        } else if (source[0] == '.') {
          path = m_out.project.dir / source;
        }
        m.source = path.lexically_normal().string();
        while (m.source.size() > 1 && m.source.back() == '/') m.source.pop_back();
      } else {
        m.source = m.volume = source;  // Project::name_volumes makes it <project>_<name>
        m.named = true;
      }
      spec.volumes.push_back(m);
    }
  }

  const yaml::Document& m_doc;
  EnvLookup m_variables;
  std::string m_project_override;
  std::string m_prefix;
  PipelineProject m_out;
};

}  // namespace

bool is_pipeline_file(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".json") return true;
  if (ext != ".yaml" && ext != ".yml") return false;
  try {
    const yaml::Document doc = yaml::load(file, file.string());
    return doc.root.is_map() && doc.root.entries.size() == 1 && doc.root.entries.front().first.text != "services" &&
           doc.root.entries.front().second.is_sequence();
  } catch (const DefinitionError&) {
    return false;
  }
}

PipelineProject read_pipeline_file(const std::filesystem::path& file, const PipelineInput& input) {
  return Reader(yaml::load(file, file.string()), input, file).read();
}

PipelineProject read_pipeline_text(const std::string& text, const std::filesystem::path& file,
                                   const PipelineInput& input) {
  return Reader(yaml::parse(text, file.string()), input, file).read();
}

}  // namespace boss
