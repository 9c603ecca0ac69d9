#include "notify/exec_notifier.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <mutex>
#include <set>

#include "notify/settings.h"
#include "notify/shared_notifier.h"

extern char** environ;

namespace muster::notify {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::redirect_error;
using asio::use_awaitable;

constexpr size_t kMaxStderr = 64 * 1024;
constexpr int kExTempFail = 75;

// One running child, shared by the coroutine and the timeout handler.
struct Child {
  Child(const asio::strand<asio::any_io_executor>& ex) : in(ex), err(ex), timer(ex) {}
  pid_t pid = 0;
  bool reaped = false;
  bool timed_out = false;
  bool shut_down = false;
  std::string input;
  asio::posix::stream_descriptor in;
  asio::posix::stream_descriptor err;
  asio::steady_timer timer;
  void Kill() {
    if (pid > 0 && !reaped) ::kill(pid, SIGKILL);
    boost::system::error_code ignored;
    err.close(ignored);
    in.close(ignored);
  }
};

class ExecNotifier final : public Notifier, public std::enable_shared_from_this<ExecNotifier> {
 public:
  ExecNotifier(asio::any_io_executor executor, std::string program, std::vector<std::string> args,
               int timeout_ms)
      : executor_(executor),
        strand_(asio::make_strand(executor)),
        program_(std::move(program)),
        args_(std::move(args)),
        timeout_ms_(timeout_ms) {}

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    auto child = std::make_shared<Child>(strand_);
    child->input = ExecInputJson(m) + "\n";
    std::vector<std::string> env = {
        std::string("MUSTER_KIND=") + MessageKindName(m.kind),
        "MUSTER_IDEMPOTENCY_KEY=" + m.idempotency_key,
        std::string("MUSTER_CHANNEL_KIND=") + ChannelKindName(m.channel.kind)};
    std::string error = Start(*child, env);
    auto finish = [this_ex = executor_, done = std::move(done)](SendResult r) mutable {
      asio::dispatch(this_ex, [done = std::move(done), r = std::move(r)] { done(r); });
    };
    if (!error.empty()) {
      asio::post(executor_, [finish = std::move(finish), error]() mutable {
        finish(SendResult{SendOutcome::kRetry, error, ""});
      });
      return;
    }
    asio::co_spawn(strand_, Run(this, child),
                   [finish = std::move(finish)](std::exception_ptr ep, SendResult r) mutable {
                     if (ep) r = SendResult{SendOutcome::kRetry, "internal error in exec", ""};
                     finish(std::move(r));
                   });
  }

  void Shutdown() override {
    asio::dispatch(strand_, [self = shared_from_this()] {
      self->shutdown_ = true;
      for (auto& c : self->running_) {
        c->shut_down = true;
        c->Kill();
      }
    });
  }

 private:
  // Spawns the child with stdin and stderr pipes; "" or an error.
  std::string Start(Child& c, const std::vector<std::string>& extra_env) {
    int in_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
      close(in_pipe[0]);
      close(in_pipe[1]);
      return std::string("pipe: ") + std::strerror(errno);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    // Nothing else reaches the child: sockets Asio opened without
    // close-on-exec (the HTTP listener, answer connections) would otherwise
    // stay open in it and in anything it leaves running, and a restarted
    // daemon could not bind its port again.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program_.c_str()));
    for (auto& a : args_) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; e && *e; ++e) {
      if (std::strncmp(*e, "MUSTER_", 7) != 0) envp.push_back(*e);
    }
    for (auto& e : extra_env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    int rc = posix_spawn(&c.pid, program_.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    close(in_pipe[0]);
    close(err_pipe[1]);
    if (rc != 0) {
      close(in_pipe[1]);
      close(err_pipe[0]);
      return "spawn " + program_ + ": " + std::strerror(rc);
    }
    c.in.assign(in_pipe[1]);
    c.err.assign(err_pipe[0]);
    return "";
  }

  static awaitable<void> WriteInput(std::shared_ptr<Child> c) {
    boost::system::error_code ec;
    co_await asio::async_write(c->in, asio::buffer(c->input), redirect_error(use_awaitable, ec));
    c->in.close(ec);  // EOF for the child; EPIPE if it exited without reading is fine
  }

  static awaitable<SendResult> Run(ExecNotifier* self, std::shared_ptr<Child> c) {
    // The notifier outlives its sends only if the caller keeps it; hold it.
    auto keep = self->shared_from_this();
    self->running_.insert(c);
    if (self->shutdown_) c->Kill();
    c->timer.expires_after(std::chrono::milliseconds(self->timeout_ms_));
    c->timer.async_wait([c](boost::system::error_code ec) {
      if (ec || c->reaped) return;
      c->timed_out = true;
      c->Kill();
    });
    asio::co_spawn(self->strand_, WriteInput(c), asio::detached);

    std::string err;
    char buf[4096];
    boost::system::error_code ec;
    while (c->err.is_open()) {
      size_t n =
          co_await c->err.async_read_some(asio::buffer(buf), redirect_error(use_awaitable, ec));
      if (err.size() < kMaxStderr) err.append(buf, std::min(n, kMaxStderr - err.size()));
      if (ec) break;
    }
    // stderr closed: the child has exited (or closed it); reap without blocking.
    int status = 0;
    asio::steady_timer poll(self->strand_);
    for (int delay_ms = 1;; delay_ms = std::min(delay_ms * 2, 50)) {
      pid_t r = waitpid(c->pid, &status, WNOHANG);
      if (r == c->pid || (r < 0 && errno != EINTR)) break;
      poll.expires_after(std::chrono::milliseconds(delay_ms));
      co_await poll.async_wait(redirect_error(use_awaitable, ec));
    }
    c->reaped = true;
    c->timer.cancel();
    self->running_.erase(c);
    boost::system::error_code ignored;
    c->err.close(ignored);

    if (c->shut_down) co_return SendResult{SendOutcome::kRetry, "shut down", ""};
    if (c->timed_out) {
      co_return SendResult{SendOutcome::kRetry,
                           "timed out after " + std::to_string(self->timeout_ms_) + " ms (killed)",
                           ""};
    }
    std::string first = err.substr(0, err.find('\n'));
    if (WIFEXITED(status)) {
      int code = WEXITSTATUS(status);
      if (code == 0) co_return SendResult{SendOutcome::kDelivered, "", ""};
      std::string detail = "exit " + std::to_string(code) + (first.empty() ? "" : ": " + first);
      if (code == kExTempFail) co_return SendResult{SendOutcome::kRetry, detail, ""};
      co_return SendResult{SendOutcome::kPermanent, detail, ""};
    }
    std::string detail = "killed by signal " +
                         std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                         (first.empty() ? "" : ": " + first);
    co_return SendResult{SendOutcome::kPermanent, detail, ""};
  }

  asio::any_io_executor executor_;
  asio::strand<asio::any_io_executor> strand_;
  std::string program_;
  std::vector<std::string> args_;
  int timeout_ms_;
  // Strand-only.
  bool shutdown_ = false;
  std::set<std::shared_ptr<Child>> running_;
};

}  // namespace

std::string ExecInputJson(const Message& m) {
  nlohmann::ordered_json j;
  j["idempotency_key"] = m.idempotency_key;
  j["kind"] = MessageKindName(m.kind);
  j["message_id"] = m.message_id;
  j["activation_id"] = m.activation_id;
  j["callout_id"] = m.callout_id;
  j["reservist_id"] = m.reservist_id;
  j["name"] = m.reservist_name;
  j["channel_kind"] = ChannelKindName(m.channel.kind);
  j["address"] = m.channel.address;
  j["subject"] = m.subject;
  j["text"] = m.text;
  j["accept_url"] = m.accept_url;
  j["decline_url"] = m.decline_url;
  j["attempt"] = m.attempt;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<Notifier>> MakeExecNotifier(const NotifierSpec& spec,
                                                   boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  std::string program = r.RequiredString("program");
  std::vector<std::string> args = r.StringList("args");
  int timeout_ms = static_cast<int>(r.Int("timeout_ms", 10000, 1, 3'600'000));
  MUSTER_RETURN_IF_ERROR(r.Finish());
  if (program[0] != '/') {
    return Status::InvalidArgument(r.Field("program"),
                                   "must be an absolute path, got \"" + program + "\"");
  }
  if (access(program.c_str(), X_OK) != 0) {
    return Status::InvalidArgument(r.Field("program"),
                                   program + " is not executable: " + std::strerror(errno));
  }
  // A child that exits before reading its stdin must not SIGPIPE the daemon.
  ::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_shared<ExecNotifier>(std::move(executor), std::move(program),
                                             std::move(args), timeout_ms);
  return std::unique_ptr<Notifier>(new SharedNotifierHandle<ExecNotifier>(std::move(impl)));
}

}  // namespace muster::notify
