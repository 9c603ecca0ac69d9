#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>
#include <thread>

#include "notify/exec_notifier.h"
#include "notify_test_util.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;
using muster::testing::ReadFile;
using muster::testing::TempDir;
using muster::testing::WriteFile;

namespace {

std::string Script(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.File(name);
  WriteFile(path, "#!/bin/sh\n" + body + "\n");
  chmod(path.c_str(), 0755);
  return path;
}

}  // namespace

TEST_CASE("exec passes the message on stdin, env and fixed args and exit 0 is delivered") {
  TempDir dir;
  std::string out = dir.File("out");
  std::string prog = Script(dir, "ok.sh",
                            "cat > '" + out +
                                ".stdin'\n"
                                "env | grep '^MUSTER_' | sort > '" +
                                out +
                                ".env'\n"
                                "printf '%s\\n' \"$@\" > '" +
                                out +
                                ".args'\n"
                                "exit 0");
  boost::asio::io_context ioc;
  auto n = Make(Spec("run", "exec",
                     {{"program", prog},
                      {"args", std::vector<std::string>{"--mode", "two words", "$HOME;x"}}}),
                ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  m.text = "text with 'quotes' and $(rm -rf /) and `ticks`";
  SendResult r = SendAndWait(*n, ioc, m);
  INFO(r.detail);
  CHECK(r.outcome == SendOutcome::kDelivered);

  std::string stdin_text = ReadFile(out + ".stdin");
  REQUIRE(!stdin_text.empty());
  CHECK(stdin_text.back() == '\n');
  CHECK(std::count(stdin_text.begin(), stdin_text.end(), '\n') == 1);
  auto j = nlohmann::json::parse(stdin_text);
  CHECK(j["idempotency_key"] == "co-42-7f3a");
  CHECK(j["address"] == "+447700900123");
  CHECK(j["channel_kind"] == "sms");
  CHECK(j["text"] == m.text);
  CHECK(j["accept_url"] == "http://x/a/1");
  CHECK(ReadFile(out + ".env") ==
        "MUSTER_CHANNEL_KIND=sms\nMUSTER_IDEMPOTENCY_KEY=co-42-7f3a\nMUSTER_KIND=callout\n");
  CHECK(ReadFile(out + ".args") == "--mode\ntwo words\n$HOME;x\n");
}

TEST_CASE("exec exit codes map to outcomes with stderr's first line") {
  TempDir dir;
  boost::asio::io_context ioc;
  auto run = [&](const std::string& body) {
    auto n = Make(Spec("run", "exec", {{"program", Script(dir, "p.sh", body)}}), ioc);
    return SendAndWait(*n, ioc, SampleMessage());
  };
  SendResult temp = run("echo 'gateway busy' >&2; exit 75");
  CHECK(temp.outcome == SendOutcome::kRetry);
  CHECK(temp.detail == "exit 75: gateway busy");
  SendResult perm = run("echo 'no such number' >&2; echo second >&2; exit 3");
  CHECK(perm.outcome == SendOutcome::kPermanent);
  CHECK(perm.detail == "exit 3: no such number");
  // Exits without reading stdin: the daemon must survive (no SIGPIPE).
  SendResult quick = run("exit 0");
  CHECK(quick.outcome == SendOutcome::kDelivered);
  SendResult killed = run("kill -9 $$");
  CHECK(killed.outcome == SendOutcome::kPermanent);
  CHECK(killed.detail == "killed by signal 9");
}

TEST_CASE("exec kills a program that runs past timeout_ms") {
  TempDir dir;
  std::string pidfile = dir.File("pid");
  std::string prog = Script(dir, "slow.sh", "echo $$ > '" + pidfile + "'\nexec sleep 60");
  boost::asio::io_context ioc;
  auto n = Make(Spec("run", "exec", {{"program", prog}, {"timeout_ms", int64_t{300}}}), ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage());
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "timed out after 300 ms (killed)");
  pid_t pid = std::stoi(ReadFile(pidfile));
  CHECK(kill(pid, 0) == -1);  // killed and reaped: no such process
  CHECK(errno == ESRCH);
}

TEST_CASE("exec runs several programs at once without blocking") {
  TempDir dir;
  std::string gate = dir.File("gate");
  // Each waits until the gate file exists, so all must be running together.
  std::string prog = Script(dir, "wait.sh",
                            "cat > /dev/null\n"
                            "i=0; while [ ! -e '" +
                                gate +
                                "' ] && [ $i -lt 600 ]; do sleep 0.05; "
                                "i=$((i+1)); done\n[ -e '" +
                                gate + "' ]");
  boost::asio::io_context ioc;
  auto n = Make(Spec("run", "exec", {{"program", prog}, {"timeout_ms", int64_t{60000}}}), ioc);
  int delivered = 0, done = 0;
  for (int i = 0; i < 4; ++i) {
    n->Send(SampleMessage(), [&](SendResult r) {
      delivered += r.outcome == SendOutcome::kDelivered;
      ++done;
    });
  }
  ioc.run_for(std::chrono::milliseconds(100));
  if (ioc.stopped()) ioc.restart();
  CHECK(done == 0);  // none can finish before the gate opens
  WriteFile(gate, "open");
  RunUntil(ioc, [&] { return done == 4; });
  CHECK(delivered == 4);
}

TEST_CASE("exec children get stdin, stdout and stderr and no other descriptor of the daemon") {
  // A listening socket opened the way Asio opens them (no close-on-exec).
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE((::fcntl(listener, F_GETFD) & FD_CLOEXEC) == 0);

  boost::asio::io_context ioc;
  // ls lists its own descriptors: what it inherited plus 3, the directory it reads.
  auto n =
      Make(Spec("fds", "exec",
                {{"program", std::string("/bin/sh")},
                 {"args",
                  std::vector<std::string>{"-c", "ls /proc/self/fd | tr '\\n' ' ' >&2; exit 3"}}}),
           ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage(ChannelKind::kSms, "+447700900123"));
  ::close(listener);
  CHECK(r.outcome == SendOutcome::kPermanent);
  CHECK(r.detail == "exit 3: 0 1 2 3 ");
}
