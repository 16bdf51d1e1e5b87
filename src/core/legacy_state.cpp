#include "core/legacy_state.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace boss {
namespace {

namespace fs = std::filesystem;

void warn(EventSink& events, std::string text) { events.emit_now(WarningEvent{std::move(text)}); }

void move_context(const Project& project, EventSink& events) {
  const fs::path old_file = project.dir / ".boss-context";
  std::error_code ec;
  if (!fs::exists(old_file, ec) || fs::exists(project.context_file(), ec)) return;
  fs::create_directories(project.context_file().parent_path(), ec);
  fs::rename(old_file, project.context_file(), ec);
  if (ec)
    warn(events, "could not move " + old_file.string() + " to " + project.context_file().string() + ": " + ec.message());
  else
    warn(events, "moved the context of boss 0.1 (" + old_file.string() + ") to " + project.context_file().string() +
                     "; every project now has its own");
}

void move_journal(const Project& project) {
  const fs::path old_file = project.dir / ".boss-state";
  std::ifstream in(old_file);
  if (!in) return;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return;  // a damaged journal only costs a re-ping
  }
  in.close();
  if (!doc.is_object() || !doc.contains(project.name)) return;
  std::error_code ec;
  if (!fs::exists(project.journal_file(), ec)) {
    fs::create_directories(project.journal_file().parent_path(), ec);
    std::ofstream(project.journal_file())
        << nlohmann::json{{"version", 1}, {"pending", doc[project.name].value("pending", nlohmann::json::object())}}
               .dump(2);
  }
  doc.erase(project.name);
  if (doc.empty())
    fs::remove(old_file, ec);
  else
    std::ofstream(old_file) << doc.dump(2);
}

}  // namespace

void import_legacy_state(const Project& project, EventSink& events) {
  move_context(project, events);
  move_journal(project);
}

}  // namespace boss
