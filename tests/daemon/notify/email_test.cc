#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <catch2/catch.hpp>

#include "notify/email_notifier.h"
#include "notify/mime.h"
#include "notify_test_util.h"
#include "support/process.h"
#include "support/smtp_sink.h"
#include "support/temp_dir.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;
using muster::testing::SmtpSink;
using muster::testing::SmtpSinkOptions;
using muster::testing::TempDir;

namespace {

// Independent decoders, so the tests check the encoding, not our own code.
std::string DecodeBase64(const std::string& in) {
  std::string out(in.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  REQUIRE(n >= 0);
  size_t pad = in.size() >= 2 && in.substr(in.size() - 2) == "==" ? 2 : (in.back() == '=' ? 1 : 0);
  out.resize(n - pad);
  return out;
}

std::string DecodeQp(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;  // soft line break
    } else if (in[i] == '=') {
      REQUIRE(i + 2 < in.size());
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
      out += '\n';
      ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

// Decodes "=?UTF-8?B?...?=" words joined by folding whitespace.
std::string DecodeEncodedWords(const std::string& value) {
  std::string out;
  size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = value.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    out += DecodeBase64(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

struct StoredMail {
  std::string envelope;                        // X-Envelope-* lines
  std::map<std::string, std::string> headers;  // unfolded, raw values
  std::string body;                            // raw (still QP-encoded)
};

StoredMail ParseStored(const std::string& file) {
  StoredMail m;
  size_t env_end = file.find("\r\n\r\n");
  REQUIRE(env_end != std::string::npos);
  m.envelope = file.substr(0, env_end);
  std::string rest = file.substr(env_end + 4);
  size_t hdr_end = rest.find("\r\n\r\n");
  REQUIRE(hdr_end != std::string::npos);
  std::string head = rest.substr(0, hdr_end);
  m.body = rest.substr(hdr_end + 4);
  // The CRLF before the terminating "." belongs to the stored DATA.
  if (m.body.size() >= 2 && m.body.substr(m.body.size() - 2) == "\r\n")
    m.body.resize(m.body.size() - 2);
  std::string last;
  size_t start = 0;
  while (start < head.size()) {
    size_t eol = head.find("\r\n", start);
    std::string line =
        head.substr(start, eol == std::string::npos ? std::string::npos : eol - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      m.headers[last] += line;
    } else {
      size_t colon = line.find(':');
      REQUIRE(colon != std::string::npos);
      last = line.substr(0, colon);
      m.headers[last] = line.substr(colon + 2);
    }
    if (eol == std::string::npos) break;
    start = eol + 2;
  }
  return m;
}

NotifierSpec EmailSpec(int port, std::map<std::string, SettingValue> extra = {}) {
  std::map<std::string, SettingValue> s = {{"host", std::string("127.0.0.1")},
                                           {"port", int64_t{port}},
                                           {"from", std::string("muster@example.org")},
                                           {"timeout_ms", int64_t{20000}}};
  for (auto& [k, v] : extra) s[k] = v;
  return Spec("mail", "email", s);
}

Message MailMessage() {
  Message m = SampleMessage(ChannelKind::kEmail, "alex@example.org");
  m.subject = "Einsatz: Überschwemmung in Tewkesbury – bitte melden";
  m.text =
      "Hello Alex,\n"
      ".a line starting with a dot\n"
      "x = 1 and trailing space \n"
      "Ünïcödé and a very long line " +
      std::string(120, 'z') + "\n.\nAccept: http://x/a/1";
  return m;
}

}  // namespace

TEST_CASE("email delivers a proper MIME message over plain SMTP") {
  TempDir dir;
  SmtpSink sink(dir.path().string());
  boost::asio::io_context ioc;
  auto n = Make(EmailSpec(sink.port(), {{"starttls", std::string("auto")}}), ioc);
  Message m = MailMessage();
  SendResult r = SendAndWait(*n, ioc, m);
  INFO(r.detail << sink.stderr_text());
  CHECK(r.outcome == SendOutcome::kDelivered);
  REQUIRE(sink.WaitForMessages(1, std::chrono::seconds(20)));
  auto stored = ParseStored(sink.Messages()[0]);
  CHECK_THAT(stored.envelope, Catch::Contains("X-Envelope-From: muster@example.org"));
  CHECK_THAT(stored.envelope, Catch::Contains("X-Envelope-To: alex@example.org"));
  CHECK_THAT(stored.envelope, Catch::Contains("X-Session-TLS: no"));
  CHECK(stored.headers["From"] == "<muster@example.org>");
  CHECK(stored.headers["To"] == "\"Alex Example\" <alex@example.org>");
  CHECK(stored.headers["Message-ID"] == "<co-42-7f3a@muster>");
  CHECK(stored.headers["MIME-Version"] == "1.0");
  CHECK(stored.headers["Content-Type"] == "text/plain; charset=utf-8");
  CHECK(stored.headers["Content-Transfer-Encoding"] == "quoted-printable");
  CHECK(stored.headers.count("Date") == 1);
  CHECK_THAT(stored.headers["Date"], Catch::EndsWith("+0000"));
  CHECK_THAT(stored.headers["Subject"], Catch::StartsWith("=?UTF-8?B?"));
  CHECK(DecodeEncodedWords(stored.headers["Subject"]) == m.subject);
  // Every line of the body within 76 characters, CRLF ends, and it decodes back.
  size_t start = 0;
  while (start < stored.body.size()) {
    size_t eol = stored.body.find("\r\n", start);
    size_t len = (eol == std::string::npos ? stored.body.size() : eol) - start;
    CHECK(len <= 76);
    if (eol == std::string::npos) break;
    start = eol + 2;
  }
  CHECK(stored.body.find('\n') == stored.body.find("\r\n") + 1);
  CHECK(DecodeQp(stored.body) == m.text);
}

TEST_CASE("email uses STARTTLS and AUTH PLAIN when the server offers them") {
  TempDir dir;
  MakeCert(dir);
  SmtpSinkOptions opts;
  opts.cert_file = dir.File("cert.pem");
  opts.key_file = dir.File("key.pem");
  opts.require_tls = true;
  opts.auth = "muster:pa55";
  SmtpSink sink(dir.path().string(), opts);
  boost::asio::io_context ioc;
  auto n = Make(EmailSpec(sink.port(), {{"starttls", std::string("require")},
                                        {"ca_file", dir.File("cert.pem")},
                                        {"username", std::string("muster")},
                                        {"password", std::string("pa55")}}),
                ioc);
  SendResult r = SendAndWait(*n, ioc, MailMessage());
  INFO(r.detail << sink.stderr_text());
  CHECK(r.outcome == SendOutcome::kDelivered);
  REQUIRE(sink.WaitForMessages(1, std::chrono::seconds(20)));
  auto stored = ParseStored(sink.Messages()[0]);
  CHECK_THAT(stored.envelope, Catch::Contains("X-Session-TLS: yes"));
  CHECK_THAT(stored.envelope, Catch::Contains("X-Session-Auth: yes"));
  CHECK(DecodeQp(stored.body) == MailMessage().text);

  SECTION("a wrong password is a retry, not a lost address") {
    auto bad = Make(EmailSpec(sink.port(), {{"ca_file", dir.File("cert.pem")},
                                            {"username", std::string("muster")},
                                            {"password", std::string("wrong")}}),
                    ioc);
    SendResult b = SendAndWait(*bad, ioc, MailMessage());
    CHECK(b.outcome == SendOutcome::kRetry);
    CHECK_THAT(b.detail, Catch::StartsWith("AUTH: 535"));
  }
  SECTION("an untrusted certificate fails the handshake as a retry") {
    auto untrusted = Make(EmailSpec(sink.port(), {{"starttls", std::string("require")}}), ioc);
    SendResult u = SendAndWait(*untrusted, ioc, MailMessage());
    CHECK(u.outcome == SendOutcome::kRetry);
    CHECK_THAT(u.detail, Catch::StartsWith("TLS handshake with 127.0.0.1:"));
  }
}

TEST_CASE("email maps SMTP replies and connection problems to outcomes") {
  TempDir dir;
  SmtpSinkOptions opts;
  opts.reject_rcpt = {"gone@example.org"};
  opts.tempfail_rcpt = {"busy@example.org"};
  SmtpSink sink(dir.path().string(), opts);
  boost::asio::io_context ioc;
  auto n = Make(EmailSpec(sink.port()), ioc);

  Message gone = MailMessage();
  gone.channel.address = "gone@example.org";
  SendResult r1 = SendAndWait(*n, ioc, gone);
  CHECK(r1.outcome == SendOutcome::kPermanent);
  CHECK_THAT(r1.detail, Catch::StartsWith("RCPT TO: 550"));

  Message busy = MailMessage();
  busy.channel.address = "busy@example.org";
  SendResult r2 = SendAndWait(*n, ioc, busy);
  CHECK(r2.outcome == SendOutcome::kRetry);
  CHECK_THAT(r2.detail, Catch::StartsWith("RCPT TO: 451"));

  Message bad = MailMessage();
  bad.channel.address = "not an address";
  CHECK(SendAndWait(*n, ioc, bad).outcome == SendOutcome::kPermanent);

  auto need_tls = Make(EmailSpec(sink.port(), {{"starttls", std::string("require")}}), ioc);
  SendResult r3 = SendAndWait(*need_tls, ioc, MailMessage());
  CHECK(r3.outcome == SendOutcome::kRetry);
  CHECK_THAT(r3.detail, Catch::Contains("STARTTLS"));
  CHECK(sink.Messages().empty());

  int port = sink.port();
  sink.Stop();
  SendResult r4 = SendAndWait(*n, ioc, MailMessage());
  CHECK(r4.outcome == SendOutcome::kRetry);
  CHECK(r4.detail == "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE("email requires STARTTLS unless told otherwise, except for a loopback server") {
  using Catch::Matchers::Equals;
  for (const char* host : {"smtp.example.org", "10.1.2.3", "192.168.0.25", "2001:db8::25",
                           "127.0.0.1.example.org", "localhost.example.org"}) {
    INFO(host);
    CHECK_THAT(DefaultStartTls(host), Equals("require"));
  }
  for (const char* host : {"127.0.0.1", "127.8.9.1", "::1", "localhost"}) {
    INFO(host);
    CHECK_THAT(DefaultStartTls(host), Equals("auto"));
  }
  // The default is what a notifier without the key does: a server that does
  // not offer STARTTLS gets nothing.
  TempDir dir;
  SmtpSink sink(dir.path().string());
  boost::asio::io_context ioc;
  auto n = Make(EmailSpec(sink.port(), {{"host", std::string("127.0.0.1")}}), ioc);
  CHECK(SendAndWait(*n, ioc, MailMessage()).outcome == SendOutcome::kDelivered);
}

TEST_CASE("MIME helpers: quoted-printable, encoded words, dot-stuffing") {
  CHECK(QuotedPrintable("a=b\ncafé ") == "a=3Db\r\ncaf=C3=A9=20");
  CHECK(QuotedPrintable(std::string(80, 'x')) == std::string(75, 'x') + "=\r\nxxxxx");
  CHECK(EncodeHeaderText("plain ascii") == "plain ascii");
  CHECK(EncodeHeaderText("a\r\nBcc: x") == "a  Bcc: x");
  std::string long_utf8;
  for (int i = 0; i < 40; ++i) long_utf8 += "Ü";
  std::string enc = EncodeHeaderText(long_utf8);
  CHECK(DecodeEncodedWords(enc) == long_utf8);
  CHECK(enc.find("\r\n ") != std::string::npos);
  CHECK(DotStuff(".a\r\nb\r\n.\r\n") == "..a\r\nb\r\n..\r\n");
  CHECK(Rfc5322Date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  Message m = SampleMessage(ChannelKind::kEmail, "a@b.example");
  m.reservist_name = "Al \"the\" Ex\\";
  CHECK_THAT(BuildMimeMessage(m, "f@x", 0),
             Catch::Contains("\r\nTo: \"Al the Ex\" <a@b.example>\r\n"));
  m.reservist_name = "Zoë";
  CHECK_THAT(BuildMimeMessage(m, "f@x", 0),
             Catch::Contains("\r\nTo: =?UTF-8?B?Wm/Dqw==?= <a@b.example>\r\n"));
  CHECK(IsPlausibleEmail("a@b.example"));
  CHECK(!IsPlausibleEmail("a@b>\r\nRCPT TO:<c@d"));
  CHECK(!IsPlausibleEmail("nobody"));
}
