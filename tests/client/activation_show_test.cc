// `musterctl activation show` in table form shows where each call-out
// stands and why a delivery failed (docs/delivery.md promises it).
#include <catch2/catch.hpp>
#include <sstream>

#include "app.h"
#include "client/fake_activation_service.h"

namespace muster::client {
namespace {

using testing::FakeActivationServer;

std::string Show(FakeActivationServer& server, const std::string& id, int* code) {
  std::vector<std::string> args = {"musterctl", "activation", "show", id};
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::istringstream in;
  RunEnvironment env;
  env.out = &out;
  env.err = &err;
  env.in = &in;
  env.channel = server.channel();
  *code = RunMusterctl(static_cast<int>(argv.size()), argv.data(), env);
  return out.str() + err.str();
}

TEST_CASE("activation show lists each call-out's state and the last delivery error",
          "[client][activation]") {
  FakeActivationServer server;
  v1::Activation a = testing::SampleActivation();
  a.set_id(8);
  v1::Candidate* ali = a.mutable_candidates(2);
  ali->set_state(v1::CALLOUT_FAILED);
  ali->set_channel("sms");
  ali->set_backend("sms_primary");
  ali->set_last_error("sms_primary: HTTP 503\nService Unavailable");
  v1::Candidate* sam = a.mutable_candidates(1);
  sam->set_last_error("sms_primary: timed out");  // then delivered by e-mail
  server.service().Put(a);

  int code = -1;
  std::string text = Show(server, "8", &code);
  INFO(text);
  REQUIRE(code == 0);
  std::istringstream lines(text);
  std::string header, line;
  while (std::getline(lines, header) && header.find("RANK") == std::string::npos) {
  }
  CHECK(header.ends_with("WAVE  STATE"));
  std::vector<std::string> rows;
  while (std::getline(lines, line) && !line.empty()) rows.push_back(line);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].ends_with("SENT"));
  CHECK(rows[1].ends_with("DELIVERED"));
  CHECK(rows[2].ends_with("FAILED"));
  CHECK(text.find("delivery errors:\n"
                  "Sam Smith (43) DELIVERED via email: sms_primary: timed out\n"
                  "Ali Khan (44) FAILED via sms: sms_primary: HTTP 503 Service Unavailable\n") !=
        std::string::npos);
}

TEST_CASE("activation show without delivery errors prints no error list", "[client][activation]") {
  FakeActivationServer server;
  int code = -1;
  std::string text = Show(server, "7", &code);
  INFO(text);
  REQUIRE(code == 0);
  CHECK(text.find("STATE") != std::string::npos);
  CHECK(text.find("delivery errors") == std::string::npos);
}

}  // namespace
}  // namespace muster::client
