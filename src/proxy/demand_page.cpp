#include "proxy/demand_page.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace boss {
namespace {

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

std::string label(const StartProgress& p) {
  return p.instance ? p.service + "#" + std::to_string(p.instance) : p.service;
}

// The page around `content`; `refresh`: it reloads itself every second.
std::string page(const std::string& title, const std::string& content, bool refresh) {
  return "<!doctype html>\n<html><head><meta charset=\"utf-8\">" +
         std::string(refresh ? "<meta http-equiv=\"refresh\" content=\"1\">" : "") + "<title>" + html_escape(title) +
         "</title>\n<style>body{font:15px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
         "td{padding:.1em 1.2em .1em 0}pre{background:#f4f4f4;padding:1em;overflow:auto}</style></head>\n<body>\n" +
         content + "</body></html>\n";
}

std::string service_rows(const DemandStatus& status) {
  if (status.progress.empty()) return "";
  std::string rows = "<table>\n";
  for (const auto& p : status.progress)
    rows += "<tr><td>" + html_escape(label(p)) + "</td><td><b>" + html_escape(p.phase) + "</b></td><td>" +
            html_escape(p.reason) + "</td></tr>\n";
  return rows + "</table>\n";
}

// One line: where each service of the start is ("db up, web waiting").
std::string progress_line(const DemandStatus& status) {
  std::string out;
  for (const auto& p : status.progress) out += (out.empty() ? "" : ", ") + label(p) + " " + p.phase;
  return out;
}

}  // namespace

bool accepts_html(std::string_view accept) {
  return contains_ignoring_case(accept, "text/html") || contains_ignoring_case(accept, "application/xhtml+xml");
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

ProxyReply starting_reply(const std::string& service, const DemandStatus& status, bool html) {
  const std::string where = progress_line(status);
  ProxyReply reply{503, "service '" + service + "' is starting" + (where.empty() ? "" : " (" + where + ")")};
  reply.retry_after = 1;
  if (html) {
    reply.content_type = "text/html; charset=utf-8";
    reply.body = page("Starting " + service,
                      "<h1>Starting " + html_escape(service) + "&hellip;</h1>\n<p>boss is starting this service " +
                          std::string(status.behind_another ? "(after the start under way) " : "") +
                          "and this page reloads itself until it answers.</p>\n" + service_rows(status),
                      true);
  }
  return reply;
}

ProxyReply failed_reply(const std::string& service, const DemandStatus& status, bool html) {
  ProxyReply reply{502, "service '" + service + "' failed to start: " + status.reason};
  if (html) {
    reply.content_type = "text/html; charset=utf-8";
    reply.body = page(service + " failed to start",
                      "<h1>" + html_escape(service) + " failed to start</h1>\n<p>" + html_escape(status.reason) +
                          "</p>\n" +
                          (status.logs.empty() ? "" : "<p>The end of its output:</p>\n<pre>" + html_escape(status.logs) + "</pre>\n") +
                          "<p>Reload to try again (after a few seconds).</p>\n",
                      false);
  } else {
    reply.content_type = "text/plain; charset=utf-8";
    reply.body = "502 Bad Gateway: " + reply.reason + "\n" + (status.logs.empty() ? "" : "\n" + status.logs);
    if (!reply.body.empty() && reply.body.back() != '\n') reply.body += '\n';
  }
  return reply;
}

ProxyReply start_timeout_reply(const std::string& service, const DemandStatus& status, double waited_seconds) {
  char waited[32];
  std::snprintf(waited, sizeof waited, "%g s", waited_seconds);
  const std::string where = progress_line(status);
  ProxyReply reply{504, "service '" + service + "' did not start within " + waited + " (--wait-timeout)" +
                            (where.empty() ? "" : "; " + where)};
  reply.retry_after = 1;
  return reply;
}

}  // namespace boss
