// musterctl watch | answer | stand-down end to end against an in-process
// FakeActivationService (and, for a lost connection, one on 127.0.0.1).
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app.h"
#include "client/fake_activation_service.h"
#include "client/fake_roster_service.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;
using testing::FakeActivationServer;
using testing::SampleScript;

// A stream buffer that another thread may read while musterctl writes.
class SharedBuffer : public std::streambuf {
 public:
  std::string Contents() {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    std::lock_guard<std::mutex> lock(mu_);
    text_ += static_cast<char>(c);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mu_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

struct Run {
  int code = -1;
  std::string out, err;
};

// Runs musterctl with `args` against `server`; `out` (if given) receives
// stdout as it is written.
Run Musterctl(FakeActivationServer* server, std::vector<std::string> args,
              const std::string& input = "", bool stdin_tty = false, SharedBuffer* out = nullptr) {
  std::vector<const char*> argv = {"musterctl"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  SharedBuffer own_out, err_buffer;
  SharedBuffer* out_buffer = out != nullptr ? out : &own_out;
  std::ostream out_stream(out_buffer), err_stream(&err_buffer);
  std::istringstream in(input);
  RunEnvironment env;
  env.out = &out_stream;
  env.err = &err_stream;
  env.in = &in;
  env.stdin_is_terminal = stdin_tty;
  if (server != nullptr) env.channel = server->channel();
  Run run;
  run.code = RunMusterctl(static_cast<int>(argv.size()), argv.data(), env);
  run.out = out_buffer->Contents();
  run.err = err_buffer.Contents();
  return run;
}

// Polls `condition` for up to 20 s.
bool WaitFor(const std::function<bool()>& condition) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("watch off a terminal prints one line per event and exits 0 at the end", "[dispatch]") {
  FakeActivationServer server;
  Run run = Musterctl(&server, {"watch", "7"});
  REQUIRE(run.code == 0);
  CHECK(run.err.empty());
  std::vector<std::string> lines = Lines(run.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "10:00:00 watching activation 7 (Tewkesbury flooding), open: first_aid 0/3 accepted, 2 "
        "pending; driver_4x4 0/1 accepted, 1 pending");
  CHECK(lines[1] == "10:00:13 Jo Bloggs (42) ACCEPTED via sms for first_aid");
  CHECK(lines[2] == "10:02:13 wave 2: asking 3 more for first_aid");
  CHECK(lines[3] ==
        "10:05:00 stood down: flood receded: first_aid 1/3 accepted, 0 pending; driver_4x4 0/1 "
        "accepted, 0 pending");
  CHECK(!Contains(run.out, "\x1b"));  // no terminal escapes in a pipe
  CHECK(server.service().watch_calls == 1);
}

TEST_CASE("watch --output json prints each event as one JSON line", "[dispatch]") {
  FakeActivationServer server;
  Run run = Musterctl(&server, {"watch", "7", "--output", "json"});
  REQUIRE(run.code == 0);
  std::vector<std::string> lines = Lines(run.out);
  REQUIRE(lines.size() == 4);
  auto first = nlohmann::json::parse(lines[0]);
  CHECK(first["kind"] == "SNAPSHOT");
  CHECK(first["activation_id"] == "7");
  CHECK(first["snapshot"]["spec"]["title"] == "Tewkesbury flooding");
  auto callout = nlohmann::json::parse(lines[1]);
  CHECK(callout["kind"] == "CALLOUT");
  CHECK(callout["callout"]["reservist_id"] == "42");
  CHECK(callout["callout"]["state"] == "CALLOUT_ACCEPTED");
  CHECK(callout["requirements"][0]["accepted"] == 1);
  auto wave = nlohmann::json::parse(lines[2]);
  CHECK(wave["wave"] == 2);
  CHECK(wave["detail"] == "wave 2: asking 3 more for first_aid");
  auto over = nlohmann::json::parse(lines[3]);
  CHECK(over["kind"] == "STATE");
  CHECK(over["state"] == "STOOD_DOWN");
}

TEST_CASE("watch --view live redraws the frame in place", "[dispatch]") {
  FakeActivationServer server;
  Run run = Musterctl(&server, {"watch", "7", "--view", "live", "--events", "3"});
  REQUIRE(run.code == 0);
  CHECK(run.out.starts_with("\x1b[?25l"));  // cursor hidden while drawing
  CHECK(run.out.ends_with("\x1b[?25h"));    // and shown again at the end
  // Four events, so four frames; every one after the first moves back up
  // over the previous frame: 8 lines plus one per event listed (at most 3).
  CHECK(Contains(run.out, "\r\x1b[9A"));
  CHECK(Contains(run.out, "\r\x1b[10A"));
  CHECK(Contains(run.out, "\r\x1b[11A"));
  CHECK(!Contains(run.out, "\r\x1b[12A"));
  size_t last = run.out.rfind("activation 7  Tewkesbury flooding");
  REQUIRE(last != std::string::npos);
  std::string frame = run.out.substr(last);
  CHECK(Contains(frame, "state stood_down"));
  CHECK(Contains(frame, "\n10:00:13 Jo Bloggs (42) ACCEPTED via sms for first_aid\x1b[K\n"));
  CHECK(Contains(frame, "\n10:05:00 stood down: flood receded\x1b[K\n"));
  CHECK(!Contains(frame, "watching activation"));  // only the latest 3 events
}

TEST_CASE("watch errors: unknown activation, server gone, bad flags", "[dispatch]") {
  FakeActivationServer server;
  Run missing = Musterctl(&server, {"watch", "99"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "error: NOT_FOUND: activation 99 not found\n");

  // The stream breaks midway: the events so far are printed, then exit 3.
  auto script = SampleScript();
  script.resize(2);
  server.service().SetScript(script, grpc::Status(grpc::StatusCode::UNAVAILABLE, "Socket closed"));
  Run gone = Musterctl(&server, {"watch", "7"});
  CHECK(gone.code == 3);
  CHECK(Lines(gone.out).size() == 2);
  CHECK(gone.err.starts_with("error: UNAVAILABLE: Socket closed (is musterd running at"));

  // A server that cancels the stream itself is going away too.
  server.service().SetScript(script, grpc::Status(grpc::StatusCode::CANCELLED, "shutting down"));
  Run cancelled = Musterctl(&server, {"watch", "7"});
  CHECK(cancelled.code == 3);
  CHECK(cancelled.err.starts_with(
      "error: the server ended the watch of activation 7: CANCELLED: shutting down"));

  CHECK(Musterctl(&server, {"watch"}).code == 2);
  CHECK(Musterctl(&server, {"watch", "7", "--view", "fancy"}).code == 2);
  CHECK(Musterctl(&server, {"watch", "7", "--events", "-1"}).code == 2);
}

TEST_CASE("watch exits 3 when the server is shut down mid-stream", "[dispatch]") {
  FakeActivationServer server(/*tcp=*/true);
  server.service().SetScript(SampleScript(), grpc::Status::OK, /*hold_open=*/true);
  SharedBuffer out;
  Run run;
  std::thread watcher([&] { run = Musterctl(&server, {"watch", "7"}, "", false, &out); });
  REQUIRE(WaitFor([&] { return Lines(out.Contents()).size() == 4; }));
  server.Shutdown();
  watcher.join();
  CAPTURE(run.err);
  CHECK(run.code == 3);
  // Cancelled by the server's shutdown, or the connection closed under it.
  CHECK((run.err.starts_with("error: the server ended the watch of activation 7: CANCELLED") ||
         run.err.starts_with("error: UNAVAILABLE: ")));
}

TEST_CASE("watch finds a silent server that stopped answering and exits 3", "[dispatch]") {
  FakeActivationServer server;
  server.service().SetScript(SampleScript(), grpc::Status::OK, /*hold_open=*/true);
  server.service().hang_list = true;  // the liveness check never gets an answer
  Run run = Musterctl(&server, {"--timeout", "0.3", "watch", "7"});
  CHECK(run.code == 3);
  CHECK(Lines(run.out).size() == 4);
  CHECK(
      run.err.starts_with("error: lost the server while watching activation 7: "
                          "DEADLINE_EXCEEDED"));
  // The stream was cancelled, not left open.
  CHECK(WaitFor([&] { return server.service().watch_cancelled == 1; }));
}

TEST_CASE("watch keeps going through silence while the server answers", "[dispatch]") {
  FakeActivationServer server;
  server.service().SetScript(SampleScript(), grpc::Status::OK, /*hold_open=*/true);
  server.service().release_after_lists = 2;  // ends the stream after two liveness checks
  Run run = Musterctl(&server, {"--timeout", "0.2", "watch", "7"});
  CHECK(run.code == 0);
  CHECK(run.err.empty());
  CHECK(server.service().list_calls >= 2);
  CHECK(server.service().watch_cancelled == 0);
}

TEST_CASE("watch stops cleanly on Ctrl-C and restores the cursor", "[dispatch]") {
  FakeActivationServer server;
  server.service().SetScript(SampleScript(), grpc::Status::OK, /*hold_open=*/true);
  SharedBuffer out;
  Run run;
  std::thread watcher([&] {
    run = Musterctl(&server, {"watch", "7", "--view", "live"}, "", false, &out);
  });
  // The last event drawn: the watch has its SIGINT handler in place.
  REQUIRE(WaitFor([&] { return Contains(out.Contents(), "stood down: flood receded"); }));
  std::raise(SIGINT);
  watcher.join();
  CHECK(run.code == 130);
  CHECK(run.err == "stopped watching activation 7\n");
  CHECK(run.out.ends_with("\x1b[?25h"));
  CHECK(WaitFor([&] { return server.service().watch_cancelled == 1; }));
}

TEST_CASE("answer by token and by activation and reservist", "[dispatch]") {
  FakeActivationServer server;
  Run accept = Musterctl(&server, {"answer", "tok-42", "accept"});
  REQUIRE(accept.code == 0);
  CHECK(accept.out ==
        "recorded: reservist 42 (Jo Bloggs) accepted\n"
        "message: Thank you: you are confirmed for Tewkesbury flooding\n");
  CHECK(server.service().last_answer().token() == "tok-42");
  CHECK(server.service().last_answer().answer() == v1::ACCEPT);
  CHECK(server.service().activation(7).requirements(0).accepted() == 1);

  Run again = Musterctl(&server, {"answer", "tok-42", "ACCEPT"});
  CHECK(again.code == 0);
  CHECK(again.out.starts_with(
      "already answered: reservist 42 (Jo Bloggs) had already accepted; nothing changed\n"));

  Run by_ids = Musterctl(&server, {"answer", "--activation", "7", "--reservist", "43", "decline"});
  REQUIRE(by_ids.code == 0);
  CHECK(by_ids.out.starts_with("recorded: reservist 43 (Sam Smith) declined\n"));
  CHECK(server.service().last_answer().activation_id() == 7);
  CHECK(server.service().last_answer().reservist_id() == 43);
  CHECK(server.service().last_answer().token().empty());
  CHECK(server.service().last_answer().answer() == v1::DECLINE);

  Run json = Musterctl(
      &server, {"--output", "json", "answer", "--activation", "7", "--reservist", "44", "accept"});
  REQUIRE(json.code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["outcome"] == "RECORDED");
  CHECK(doc["callout"]["reservist_id"] == "44");
}

TEST_CASE("answer after the activation ended, and errors", "[dispatch]") {
  FakeActivationServer server;
  REQUIRE(Musterctl(&server, {"stand-down", "7", "--yes"}).code == 0);
  Run late = Musterctl(&server, {"answer", "tok-43", "accept"});
  CHECK(late.code == 0);
  CHECK(late.out ==
        "no longer needed: reservist 43 (Sam Smith) is not needed; nothing changed\n"
        "message: Thank you, but Tewkesbury flooding no longer needs you\n");

  Run unknown = Musterctl(&server, {"answer", "tok-nope", "accept"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err == "error: NOT_FOUND: unknown token\n");
  Run not_asked =
      Musterctl(&server, {"answer", "--activation", "7", "--reservist", "99", "accept"});
  CHECK(not_asked.code == 1);
  CHECK(not_asked.err == "error: NOT_FOUND: reservist 99 was not asked on activation 7\n");

  int calls = server.service().answer_calls;
  Run maybe = Musterctl(&server, {"answer", "tok-42", "maybe"});
  CHECK(maybe.code == 2);
  CHECK(maybe.err == "error: answer: \"maybe\" is not accept or decline\n");
  CHECK(Musterctl(&server, {"answer", "accept"}).code == 2);
  CHECK(Musterctl(&server, {"answer", "--activation", "7", "accept"}).code == 2);
  CHECK(Musterctl(&server, {"answer", "--activation", "7", "--reservist", "42", "tok-42", "accept"})
            .code == 2);
  CHECK(Musterctl(&server, {"answer"}).code == 2);
  CHECK(server.service().answer_calls == calls);  // nothing malformed was sent
}

TEST_CASE("stand-down asks on a terminal and needs --yes elsewhere", "[dispatch]") {
  FakeActivationServer server;
  Run refused = Musterctl(&server, {"stand-down", "7"});
  CHECK(refused.code == 2);
  CHECK(refused.err == "error: not standing down without --yes (stdin is not a terminal)\n");

  Run declined = Musterctl(&server, {"stand-down", "7"}, "n\n", /*stdin_tty=*/true);
  CHECK(declined.code == 1);
  CHECK(declined.err ==
        "stand down activation 7 (Tewkesbury flooding) and tell everyone asked, 0 accepted, "
        "they are not needed? [y/N] error: not stood down\n");
  CHECK(server.service().stand_down_calls == 0);

  Run confirmed = Musterctl(&server, {"stand-down", "7", "--reason", "flood receded"}, "y\n",
                            /*stdin_tty=*/true);
  REQUIRE(confirmed.code == 0);
  CHECK(
      confirmed.out.starts_with("activation 7 stood down\n"
                                "id          7\n"
                                "title       Tewkesbury flooding\n"
                                "state       stood_down\n"
                                "reason      flood receded\n"
                                "stood down  3\n"
                                "\n"
                                "SKILL "));
  CHECK(server.service().last_stand_down().reason() == "flood receded");
  CHECK(server.service().activation(7).state() == v1::STOOD_DOWN);

  Run twice = Musterctl(&server, {"stand-down", "7", "--yes"});
  CHECK(twice.code == 1);
  CHECK(twice.err == "error: FAILED_PRECONDITION: activation 7 has already ended\n");
  Run missing = Musterctl(&server, {"stand-down", "8"}, "y\n", /*stdin_tty=*/true);
  CHECK(missing.code == 1);
  CHECK(missing.err == "error: NOT_FOUND: activation 8 not found\n");
}

TEST_CASE("stand-down --yes --output json prints the activation", "[dispatch]") {
  FakeActivationServer server;
  Run run = Musterctl(&server, {"stand-down", "7", "-y", "--output", "json"});
  REQUIRE(run.code == 0);
  auto doc = nlohmann::json::parse(run.out);
  CHECK(doc["id"] == "7");
  CHECK(doc["state"] == "STOOD_DOWN");
  CHECK(doc["candidates"][0]["state"] == "CALLOUT_STOOD_DOWN");
  CHECK(server.service().stand_down_calls == 1);
}

TEST_CASE("dispatch commands against a server without the RPCs", "[dispatch]") {
  // A server offering the RosterService only, as musterd did before dispatch.
  testing::FakeServer roster_only;
  for (const std::vector<const char*>& argv :
       {std::vector<const char*>{"musterctl", "answer", "tok-1", "accept"},
        std::vector<const char*>{"musterctl", "watch", "7"},
        std::vector<const char*>{"musterctl", "stand-down", "7", "--yes"}}) {
    std::ostringstream out, err;
    std::istringstream in;
    RunEnvironment env{&out, &err, &in, false, false, roster_only.channel()};
    CHECK(RunMusterctl(static_cast<int>(argv.size()), argv.data(), env) == 1);
    CHECK(err.str().starts_with("error: UNIMPLEMENTED: "));
    CHECK(out.str().empty());
  }
}

}  // namespace
}  // namespace muster::client
