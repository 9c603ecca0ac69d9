// Helpers for the notifier tests: a sample message, specs, and running one
// Send to completion on an io_context (bounded, no timing assertions).
#pragma once

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>

#include "notify/notifier.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace muster::notify::testutil {

inline Message SampleMessage(ChannelKind kind = ChannelKind::kWebhook, std::string address = "") {
  Message m;
  m.idempotency_key = "co-42-7f3a";
  m.kind = MessageKind::kCallout;
  m.message_id = 9;
  m.activation_id = 3;
  m.callout_id = 42;
  m.reservist_id = 1007;
  m.reservist_name = "Alex Example";
  m.channel = {kind, std::move(address)};
  m.subject = "Muster call-out: Tewkesbury flooding";
  m.text = "You are asked to help.\nAccept: http://x/a/1\nDecline: http://x/d/1";
  m.accept_url = "http://x/a/1";
  m.decline_url = "http://x/d/1";
  return m;
}

inline NotifierSpec Spec(std::string name, std::string type,
                         std::map<std::string, SettingValue> settings = {}) {
  return NotifierSpec{std::move(name), std::move(type), std::move(settings)};
}

// A webhook spec for the test sinks, which listen on loopback: webhooks
// refuse internal addresses unless allow_networks lists them.
inline NotifierSpec LoopbackHook(std::map<std::string, SettingValue> settings = {}) {
  settings.emplace("allow_networks", std::vector<std::string>{"127.0.0.0/8"});
  return Spec("hook", "webhook", std::move(settings));
}

inline std::unique_ptr<Notifier> Make(const NotifierSpec& spec, boost::asio::io_context& ioc) {
  auto factory = FindNotifierFactory(spec.type);
  REQUIRE(factory);
  auto n = factory(spec, ioc.get_executor());
  INFO(n.status().ToString());
  REQUIRE(n.ok());
  return std::move(n).value();
}

// Runs ioc until every result has arrived (at most 60 s).
inline void RunUntil(boost::asio::io_context& ioc, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    ioc.run_for(std::chrono::milliseconds(20));
    if (ioc.stopped()) ioc.restart();
  }
  REQUIRE(done());
}

inline SendResult SendAndWait(Notifier& n, boost::asio::io_context& ioc, const Message& m) {
  std::optional<SendResult> r;
  int calls = 0;
  n.Send(m, [&](SendResult x) {
    r = std::move(x);
    ++calls;
  });
  RunUntil(ioc, [&] { return r.has_value(); });
  ioc.poll();
  CHECK(calls == 1);
  return *r;
}

// Writes a self-signed certificate (cert.pem, key.pem in dir) with the
// openssl CLI, for localhost and 127.0.0.1 unless other names are given.
inline void MakeCert(const muster::testing::TempDir& dir,
                     const std::string& alt_names = "DNS:localhost,IP:127.0.0.1") {
  auto r = muster::testing::Run(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=localhost", "-addext", "subjectAltName=" + alt_names, "-keyout", dir.File("key.pem"),
       "-out", dir.File("cert.pem")},
      dir.path().string(), std::chrono::seconds(60));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace muster::notify::testutil
