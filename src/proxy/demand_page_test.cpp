#include "proxy/demand_page.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("demand page: browsers are told by Accept, in any case") {
  CHECK(accepts_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  CHECK(accepts_html("TEXT/HTML"));
  CHECK(accepts_html("application/xhtml+xml"));
  CHECK_FALSE(accepts_html("*/*"));
  CHECK_FALSE(accepts_html("application/json"));
  CHECK_FALSE(accepts_html(""));
}

TEST_CASE("demand page: starting is a 503 that retries, and refreshes itself with each service's phase") {
  DemandStatus status;
  status.state = DemandState::starting;
  status.progress = {{"db", 0, "up", ""}, {"web", 2, "waiting", "<ping> & more"}};
  const auto page = starting_reply("web", status, true);
  CHECK(page.status == 503);
  CHECK(page.retry_after == 1);
  CHECK(page.reason == "service 'web' is starting (db up, web#2 waiting)");
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("<meta http-equiv=\"refresh\" content=\"1\">") != std::string::npos);
  CHECK(page.body.find("<tr><td>web#2</td><td><b>waiting</b></td><td>&lt;ping&gt; &amp; more</td></tr>") !=
        std::string::npos);
  CHECK(page.body.find("after the start under way") == std::string::npos);
  DemandStatus queued;
  queued.state = DemandState::queued;
  CHECK(starting_reply("web", queued, true).body.find("after the start under way") == std::string::npos);
  queued.behind_another = true;
  CHECK(starting_reply("web", queued, true).body.find("(after the start under way)") != std::string::npos);
  // Not a browser: the one line (the server only sends this one after --wait-timeout).
  const auto plain = starting_reply("web", status, false);
  CHECK(plain.body.empty());
  CHECK(plain.reason == page.reason);
}

TEST_CASE("demand page: a failure is a 502 with the reason and the log tail, escaped, never refreshing") {
  DemandStatus status;
  status.state = DemandState::failed;
  status.reason = "exited with code 1";
  status.logs = "httpd: bind: <address in use>\n";
  const auto page = failed_reply("web", status, true);
  CHECK(page.status == 502);
  CHECK(page.reason == "service 'web' failed to start: exited with code 1");
  CHECK(page.body.find("refresh") == std::string::npos);
  CHECK(page.body.find("<pre>httpd: bind: &lt;address in use&gt;\n</pre>") != std::string::npos);
  const auto plain = failed_reply("web", status, false);
  CHECK(plain.content_type == "text/plain; charset=utf-8");
  CHECK(plain.body ==
        "502 Bad Gateway: service 'web' failed to start: exited with code 1\n\nhttpd: bind: <address in use>\n");
}

TEST_CASE("demand page: a wait past --wait-timeout is a 504 saying where the start was") {
  DemandStatus status;
  status.state = DemandState::starting;
  status.progress = {{"web", 0, "pulling", ""}};
  const auto reply = start_timeout_reply("web", status, 2.5);
  CHECK(reply.status == 504);
  CHECK(reply.reason == "service 'web' did not start within 2.5 s (--wait-timeout); web pulling");
}

TEST_CASE("demand page: html_escape") {
  CHECK(html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
}
