#include "notify/email_notifier.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <set>

#include "notify/mime.h"
#include "notify/settings.h"
#include "notify/shared_notifier.h"

namespace muster::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

struct EmailOptions {
  std::string host;
  int port = 25;
  std::string from;
  std::string helo = "muster.localhost";
  std::string starttls = "require";  // DefaultStartTls(host) when not configured
  std::string username;
  std::string password;
  int connect_timeout_ms = 10000;
  int timeout_ms = 30000;
};

struct Reply {
  int code = 0;
  std::string text;                // all lines joined with " / "
  std::vector<std::string> lines;  // text after the code, per line
  std::string Summary() const { return std::to_string(code) + " " + text; }
};

// A failed step that ends the session with this result.
struct SmtpFailure {
  SendResult result;
};

struct Session {
  Session(const asio::strand<asio::any_io_executor>& ex, ssl::context& ctx) : stream(ex, ctx) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  bool tls = false;
  bool shut_down = false;
  std::string buf;
  beast::tcp_stream& tcp() { return stream.next_layer(); }
  void Close() {
    boost::system::error_code ignored;
    tcp().socket().close(ignored);
  }

  awaitable<void> Write(const std::string& data) {
    if (tls) {
      co_await asio::async_write(stream, asio::buffer(data), use_awaitable);
    } else {
      co_await asio::async_write(tcp(), asio::buffer(data), use_awaitable);
    }
  }

  awaitable<Reply> Read() {
    Reply r;
    while (true) {
      size_t n;
      if (tls) {
        n = co_await asio::async_read_until(stream, asio::dynamic_buffer(buf, 65536), "\r\n",
                                            use_awaitable);
      } else {
        n = co_await asio::async_read_until(tcp(), asio::dynamic_buffer(buf, 65536), "\r\n",
                                            use_awaitable);
      }
      std::string line = buf.substr(0, n - 2);
      buf.erase(0, n);
      if (line.size() < 3) throw SmtpFailure{{SendOutcome::kRetry, "bad SMTP reply: " + line, ""}};
      r.code = std::atoi(line.substr(0, 3).c_str());
      std::string rest = line.size() > 4 ? line.substr(4) : "";
      r.lines.push_back(rest);
      r.text += (r.text.empty() ? "" : " / ") + rest;
      if (line.size() == 3 || line[3] != '-') co_return r;
    }
  }

  // Sends a command and reads its reply.
  awaitable<Reply> Command(const std::string& line) {
    co_await Write(line + "\r\n");
    co_return co_await Read();
  }
};

// Throws unless reply.code is one of ok; `by_code`: 4xx retry / 5xx permanent,
// else every failure is kRetry (server or configuration trouble).
void Expect(const Reply& reply, std::initializer_list<int> ok, const std::string& step,
            bool by_code) {
  for (int c : ok) {
    if (reply.code == c) return;
  }
  SendOutcome outcome = SendOutcome::kRetry;
  if (by_code && reply.code >= 500) outcome = SendOutcome::kPermanent;
  throw SmtpFailure{{outcome, step + ": " + reply.Summary(), ""}};
}

bool HasExtension(const Reply& ehlo, const std::string& name, std::string* params = nullptr) {
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {  // line 0 is the greeting
    std::string l = ehlo.lines[i];
    std::string word = l.substr(0, l.find(' '));
    for (auto& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (word == name) {
      if (params) *params = l.size() > word.size() ? l.substr(word.size() + 1) : "";
      return true;
    }
  }
  return false;
}

class EmailNotifier final : public Notifier, public std::enable_shared_from_this<EmailNotifier> {
 public:
  EmailNotifier(asio::any_io_executor executor, EmailOptions options)
      : executor_(executor),
        strand_(asio::make_strand(executor)),
        options_(std::move(options)),
        ssl_(ssl::context::tls_client) {}

  Status InitTls(const std::string& ca_file, bool verify) {
    verify_ = verify;
    return ConfigureTlsClient(ssl_, ca_file, verify);
  }

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    auto self = shared_from_this();
    asio::co_spawn(strand_, Run(self, m),
                   [self, done = std::move(done)](std::exception_ptr ep, SendResult r) mutable {
                     if (ep)
                       r = SendResult{SendOutcome::kRetry, "internal error in SMTP client", ""};
                     asio::dispatch(self->executor_,
                                    [done = std::move(done), r = std::move(r)] { done(r); });
                   });
  }

  void Shutdown() override {
    asio::dispatch(strand_, [self = shared_from_this()] {
      self->shutdown_ = true;
      for (auto* s : self->active_) {
        s->shut_down = true;
        s->Close();
      }
    });
  }

 private:
  static awaitable<SendResult> Run(std::shared_ptr<EmailNotifier> self, Message m) {
    co_return co_await self->DoRun(m);
  }

  awaitable<SendResult> DoRun(const Message& m) {
    if (!IsPlausibleEmail(m.channel.address)) {
      co_return SendResult{SendOutcome::kPermanent,
                           "not an e-mail address: \"" + m.channel.address + "\"", ""};
    }
    if (shutdown_) co_return SendResult{SendOutcome::kRetry, "shut down", ""};
    Session s(strand_, ssl_);
    active_.insert(&s);
    struct Untrack {
      EmailNotifier* self;
      Session* s;
      ~Untrack() { self->active_.erase(s); }
    } untrack{this, &s};
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    std::string step = "connect " + where;
    try {
      tcp::resolver resolver(strand_);
      auto endpoints = co_await resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                       use_awaitable);
      s.tcp().expires_at(std::min(
          deadline, Clock::now() + std::chrono::milliseconds(options_.connect_timeout_ms)));
      co_await s.tcp().async_connect(endpoints, use_awaitable);
      s.tcp().expires_at(deadline);
      step = "greeting";
      Reply reply;
      reply = co_await s.Read();
      Expect(reply, {220}, "greeting", false);
      step = "EHLO";
      Reply ehlo = co_await s.Command("EHLO " + options_.helo);
      Expect(ehlo, {250}, "EHLO", false);

      bool offered = HasExtension(ehlo, "STARTTLS");
      if (options_.starttls == "require" && !offered) {
        throw SmtpFailure{
            {SendOutcome::kRetry, "server does not offer STARTTLS (starttls = \"require\")", ""}};
      }
      if (options_.starttls != "off" && offered) {
        step = "STARTTLS";
        reply = co_await s.Command("STARTTLS");
        Expect(reply, {220}, "STARTTLS", false);
        s.buf.clear();  // nothing sent before TLS may be trusted
        SSL_set_tlsext_host_name(s.stream.native_handle(), options_.host.c_str());
        if (verify_) s.stream.set_verify_callback(ssl::host_name_verification(options_.host));
        step = "TLS handshake with " + where;
        co_await s.stream.async_handshake(ssl::stream_base::client, use_awaitable);
        s.tls = true;
        step = "EHLO";
        ehlo = co_await s.Command("EHLO " + options_.helo);
        Expect(ehlo, {250}, "EHLO after STARTTLS", false);
      }
      if (!options_.username.empty()) {
        if (!s.tls) {
          throw SmtpFailure{{SendOutcome::kRetry,
                             "refusing AUTH without TLS (server did not offer "
                             "STARTTLS or starttls = \"off\")",
                             ""}};
        }
        step = "AUTH";
        std::string token("\0", 1);
        token += options_.username;
        token += std::string("\0", 1) + options_.password;
        reply = co_await s.Command("AUTH PLAIN " + Base64(token));
        Expect(reply, {235}, "AUTH", false);
      }
      step = "MAIL";
      reply = co_await s.Command("MAIL FROM:<" + options_.from + ">");
      Expect(reply, {250}, "MAIL FROM", true);
      step = "RCPT";
      reply = co_await s.Command("RCPT TO:<" + m.channel.address + ">");
      Expect(reply, {250, 251}, "RCPT TO", true);
      step = "DATA";
      reply = co_await s.Command("DATA");
      Expect(reply, {354}, "DATA", true);
      std::string body = DotStuff(BuildMimeMessage(m, options_.from, std::time(nullptr)));
      reply = co_await s.Command(body + "\r\n.");
      Expect(reply, {250}, "end of DATA", true);
      // Delivered; QUIT is a courtesy and its failure changes nothing.
      try {
        s.tcp().expires_after(std::chrono::seconds(1));
        co_await s.Command("QUIT");
      } catch (...) {
      }
      s.Close();
      co_return SendResult{SendOutcome::kDelivered, "", ""};
    } catch (const SmtpFailure& f) {
      s.Close();
      co_return f.result;
    } catch (const boost::system::system_error& e) {
      s.Close();
      if (s.shut_down) co_return SendResult{SendOutcome::kRetry, "shut down", ""};
      std::string what =
          e.code() == beast::error::timeout
              ? "timed out after " +
                    std::to_string(step.rfind("connect", 0) == 0 ? options_.connect_timeout_ms
                                                                 : options_.timeout_ms) +
                    " ms"
              : e.code().message();
      co_return SendResult{SendOutcome::kRetry, step + ": " + what, ""};
    }
  }

  asio::any_io_executor executor_;
  asio::strand<asio::any_io_executor> strand_;
  EmailOptions options_;
  ssl::context ssl_;
  bool verify_ = true;
  // Strand-only.
  bool shutdown_ = false;
  std::set<Session*> active_;
};

}  // namespace

const char* DefaultStartTls(const std::string& host) {
  if (host == "localhost") return "auto";
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  // A name is looked up later, and whatever it resolves to may change: only
  // a loopback literal is known to keep the session on this machine.
  return !ec && address.is_loopback() ? "auto" : "require";
}

Result<std::unique_ptr<Notifier>> MakeEmailNotifier(const NotifierSpec& spec,
                                                    boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  EmailOptions o;
  o.host = r.RequiredString("host");
  o.port = static_cast<int>(r.Int("port", 25, 1, 65535));
  o.from = r.RequiredString("from");
  o.helo = r.String("helo", o.helo);
  o.starttls = r.Choice("starttls", DefaultStartTls(o.host), {"auto", "require", "off"});
  o.username = r.String("username");
  o.password = r.String("password");
  std::string ca_file = r.String("ca_file");
  bool verify = r.Bool("verify", true);
  o.connect_timeout_ms =
      static_cast<int>(r.Int("connect_timeout_ms", o.connect_timeout_ms, 1, 600'000));
  o.timeout_ms = static_cast<int>(r.Int("timeout_ms", o.timeout_ms, 1, 600'000));
  MUSTER_RETURN_IF_ERROR(r.Finish());
  if (!IsPlausibleEmail(o.from)) {
    return Status::InvalidArgument(r.Field("from"),
                                   "expected an e-mail address, got \"" + o.from + "\"");
  }
  if (o.helo.find_first_of(" \r\n") != std::string::npos) {
    return Status::InvalidArgument(r.Field("helo"), "must be one word (a host name)");
  }
  if (o.username.empty() != o.password.empty()) {
    return Status::InvalidArgument(r.Field(o.username.empty() ? "username" : "password"),
                                   "username and password go together");
  }
  if (!o.username.empty() && o.starttls == "off") {
    return Status::InvalidArgument(
        r.Field("starttls"), "must not be \"off\" with username/password (AUTH only over TLS)");
  }
  auto impl = std::make_shared<EmailNotifier>(std::move(executor), std::move(o));
  if (Status st = impl->InitTls(ca_file, verify); !st.ok()) {
    return Status::InvalidArgument(r.Field("ca_file"), st.message());
  }
  return std::unique_ptr<Notifier>(new SharedNotifierHandle<EmailNotifier>(std::move(impl)));
}

}  // namespace muster::notify
