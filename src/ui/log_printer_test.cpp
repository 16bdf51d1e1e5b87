#include "ui/log_printer.h"

#include <doctest/doctest.h>

#include <ctime>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "testing/mem_file.h"

using namespace boss;

namespace {

LogLine out_line(const std::string& text, const std::string& timestamp = "2026-12-02T10:52:47.123456789Z") {
  return {LogLine::Stream::out, timestamp, text};
}

LogPrinter::Options text_options(MemFile& file) {
  LogPrinter::Options o;
  o.out = file.get();
  o.labels = {"db", "webapp"};
  return o;
}

}  // namespace

TEST_CASE("log printer: names aligned, replicas numbered, buffered until idle") {
  MemFile file;
  LogPrinter printer(text_options(file));
  printer.line("db", 0, out_line("ready"));
  printer.line("webapp", 0, out_line("listening on :8080"));
  printer.line("web", 2, {LogLine::Stream::err, "", "oops"});
  CHECK(file.text().empty());  // nothing written before idle or a full buffer
  printer.idle();
  CHECK(file.text() ==
        "db     | ready\n"
        "webapp | listening on :8080\n"
        "web-2  | oops\n");
}

TEST_CASE("log printer: a longer name seen later widens the column") {
  MemFile file;
  LogPrinter::Options o;
  o.out = file.get();
  LogPrinter printer(o);
  printer.line("db", 0, out_line("a"));
  printer.line("database", 0, out_line("b"));
  printer.line("db", 0, out_line("c"));
  printer.flush();
  CHECK(file.text() == "db | a\ndatabase | b\ndb       | c\n");
}

TEST_CASE("log printer: timestamps and colours on request") {
  MemFile file;
  auto o = text_options(file);
  o.timestamps = true;
  o.color = true;
  LogPrinter printer(o);
  printer.line("db", 0, out_line("ready"));
  printer.flush();
  const std::string color(log_color("db"));
  CHECK(file.text() == color + "db\x1b[0m     | 2026-12-02T10:52:47.123456789Z ready\n");
  CHECK(log_color("db") == log_color(std::string("db")));  // stable per name
  for (const char* name : {"a", "b", "c", "db", "web", "api", "cache", "worker-1", "worker-2"}) {
    CHECK(log_color(name) != "\x1b[31m");
    CHECK(log_color(name) != "\x1b[32m");
  }
}

TEST_CASE("log printer: one JSON object per line") {
  MemFile file;
  LogPrinter::Options o;
  o.out = file.get();
  o.format = LogPrinter::Format::json;
  LogPrinter printer(o);
  printer.line("db", 0, out_line("say \"hi\"\t\x01"));
  printer.line("web", 2, {LogLine::Stream::err, "", "bad \xff byte"});
  printer.flush();
  std::istringstream in(file.text());
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) REQUIRE_NOTHROW(lines.push_back(nlohmann::json::parse(line)));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == nlohmann::json::parse(R"({"v":1,"type":"log","service":"db","stream":"stdout",
      "time":"2026-12-02T10:52:47.123456789Z","text":"say \"hi\"\t\u0001"})"));
  CHECK(lines[1].at("instance") == 2);
  CHECK(lines[1].at("stream") == "stderr");
  CHECK(lines[1].at("text") == "bad \xEF\xBF\xBD byte");
  CHECK(lines[1].at("time").get<std::string>().size() == 27);  // stamped now when the engine did not
}

TEST_CASE("log printer: lines from many threads are never interleaved; a full buffer is written") {
  MemFile file;
  auto o = text_options(file);
  o.flush_bytes = 1024;
  LogPrinter printer(o);
  constexpr int kThreads = 4, kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const std::string service = t % 2 ? "db" : "webapp";
      const std::string text = "thread " + std::to_string(t) + " " + std::string(40, 'x');
      for (int i = 0; i < kLines; ++i) printer.line(service, t, out_line(text));
    });
  for (auto& t : threads) t.join();
  CHECK(file.text().size() > 0);  // written as the buffer filled, before any idle()
  printer.flush();
  std::istringstream in(file.text());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto bar = line.find(" | thread ");
    REQUIRE(bar != std::string::npos);
    CHECK(line.size() == bar + 10 + 2 + 40);
  }
  CHECK(n == kThreads * kLines);
}

// A measurement, not a check: how many lines a second the printer formats and writes
// (to /dev/null), the bar `docker logs -f` sets for a chatty container.
TEST_CASE("log printer: throughput (printed)") {
  std::FILE* devnull = std::fopen("/dev/null", "w");
  REQUIRE(devnull);
  constexpr int kLines = 500000;
  const std::string text = "2026-12-02 10:52:47.123 INFO  request handled in 3 ms: GET /api/v1/items?page=2";
  for (auto format : {LogPrinter::Format::text, LogPrinter::Format::json}) {
    LogPrinter::Options o;
    o.out = devnull;
    o.format = format;
    o.color = true;
    o.labels = {"web"};
    LogPrinter printer(o);
    const LogLine line = out_line(text);
    timespec t0{}, t1{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (int i = 0; i < kLines; ++i) printer.line("web", 0, line);
    printer.flush();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    const double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    MESSAGE("log printer (" << (format == LogPrinter::Format::json ? "json" : "text") << "): " << kLines
                            << " lines in " << seconds * 1000 << " ms CPU, " << kLines / seconds / 1e6
                            << " M lines/s");
  }
  std::fclose(devnull);
}
