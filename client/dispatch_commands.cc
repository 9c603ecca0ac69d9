// musterctl watch | answer | stand-down: following and steering the call-outs
// of an activation. Output formats are documented in client/README.md.
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "muster/v1/activation.grpc.pb.h"
#include "watch_view.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;
using Clock = std::chrono::steady_clock;

std::unique_ptr<v1::ActivationService::Stub> Stub(CommandEnv& env) {
  return v1::ActivationService::NewStub(env.connection().channel());
}

// Asks on the terminal; false if the answer is not yes. (As reservist delete.)
bool Confirm(CommandEnv& env, const std::string& question) {
  env.err() << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(env.in(), answer);
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

// ------------------------------------------------------------------- watch

// Set by the SIGINT/SIGTERM handler; read by the WatchMonitor thread, which
// does the actual cancelling (TryCancel is not async-signal-safe).
volatile std::sig_atomic_t g_signal = 0;

extern "C" void OnWatchSignal(int signo) {
  g_signal = signo;
}

// Catches SIGINT and SIGTERM while a watch runs, restoring the previous
// handlers when destroyed.
class SignalGuard {
 public:
  SignalGuard() {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = OnWatchSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Runs beside a watch stream on its own thread: cancels the stream on a
// signal, calls `tick` once a second (the live view's clock), and checks
// that a silent server is still there. After `timeout` without an event it
// sends ListActivations for one activation (a small answer, with no
// candidates) with a deadline of `timeout`; if that fails as
// unreachable (UNAVAILABLE, DEADLINE_EXCEEDED) the server is taken to be gone
// and the stream is cancelled. The check goes over the stream's own channel,
// so a connection that died without a word (network cut, host powered off)
// is found within about 2 x timeout, without needing HTTP/2 keepalive.
class WatchMonitor {
 public:
  WatchMonitor(v1::ActivationService::Stub* stub, std::chrono::milliseconds timeout,
               grpc::ClientContext* stream, std::function<void()> tick)
      : stub_(stub), timeout_(timeout), stream_(stream), tick_(std::move(tick)) {
    probe_request_.set_page_size(1);
    thread_ = std::thread([this] { Loop(); });
  }
  ~WatchMonitor() { Stop(); }
  WatchMonitor(const WatchMonitor&) = delete;
  WatchMonitor& operator=(const WatchMonitor&) = delete;

  // An event arrived: the server is alive.
  void Progress() {
    std::lock_guard<std::mutex> lock(mu_);
    last_progress_ = Clock::now();
  }
  // Stops the thread, cancelling a check in flight (idempotent).
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // The signal that cancelled the stream, or 0.
  int signal() const { return signal_; }
  // Set if the stream was cancelled because the server stopped answering.
  std::optional<grpc::Status> lost() const { return lost_; }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    Clock::time_point last_tick = Clock::now();
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      if (stop_) break;
      if (g_signal != 0 && signal_ == 0) {
        signal_ = g_signal;
        stream_->TryCancel();
      }
      Clock::time_point now = Clock::now();
      if (!probing_ && !lost_ && signal_ == 0 && now - last_progress_ >= timeout_) StartProbe();
      if (tick_ && now - last_tick >= std::chrono::seconds(1)) {
        last_tick = now;
        lock.unlock();  // tick takes the view's lock; never hold both
        tick_();
        lock.lock();
      }
    }
    if (probing_) {
      probe_context_->TryCancel();
      cv_.wait(lock, [this] { return !probing_; });
    }
  }

  // Requires mu_.
  void StartProbe() {
    probing_ = true;
    probe_context_ = std::make_unique<grpc::ClientContext>();
    probe_context_->set_deadline(std::chrono::system_clock::now() + timeout_);
    stub_->async()->ListActivations(
        probe_context_.get(), &probe_request_, &probe_response_, [this](grpc::Status status) {
          std::lock_guard<std::mutex> lock(mu_);
          probing_ = false;
          // Any answer, even an error, shows the server is there; wait for
          // another `timeout` of silence before asking again.
          last_progress_ = Clock::now();
          if (!stop_ && ExitCodeFor(status.error_code()) == kExitUnavailable) {
            lost_ = status;
            stream_->TryCancel();
          }
          cv_.notify_all();
        });
  }

  v1::ActivationService::Stub* stub_;
  std::chrono::milliseconds timeout_;
  grpc::ClientContext* stream_;
  std::function<void()> tick_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  Clock::time_point last_progress_ = Clock::now();
  int signal_ = 0;
  std::optional<grpc::Status> lost_;
  bool probing_ = false;
  std::unique_ptr<grpc::ClientContext> probe_context_;
  v1::ListActivationsRequest probe_request_;
  v1::ListActivationsResponse probe_response_;
  std::thread thread_;  // last: starts after everything above is set up
};

struct WatchArgs {
  int64_t id = 0;
  int events = 8;
  std::string view = "auto";  // auto | live | plain
};

// CommandEnv knows whether stdin and stderr are terminals but not stdout;
// only the real std::cout can be one.
bool StdoutIsTerminal(CommandEnv& env) {
  return &env.out() == &std::cout && isatty(STDOUT_FILENO) == 1;
}

// The size of the terminal on stdout, {0, 0} if unknown (the frame is then
// not cut). Asked before every frame, so a resized window is followed.
struct TerminalSize {
  size_t width = 0;
  size_t height = 0;  // rows for the frame: one fewer than the terminal's
};
TerminalSize StdoutTerminalSize(CommandEnv& env) {
  winsize size{};
  if (!StdoutIsTerminal(env) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return {};
  return {size.ws_col, size.ws_row > 1 ? size.ws_row - 1u : 0u};
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How a watch ended, as an exit code (and an error on stderr).
int WatchExit(CommandEnv& env, int64_t id, const grpc::Status& status,
              const WatchMonitor& monitor) {
  const std::string& server = env.connection().options().server;
  if (monitor.signal() != 0) {
    // 128 + the signal (130 for Ctrl-C), as shells report an interrupted command.
    env.err() << fmt::format("stopped watching activation {}\n", id);
    return 128 + monitor.signal();
  }
  if (monitor.lost()) {
    return env.Fail(kExitUnavailable,
                    fmt::format("lost the server while watching activation {}: {}", id,
                                DescribeRpcError(*monitor.lost(), server)));
  }
  if (status.error_code() == grpc::StatusCode::CANCELLED) {
    // Not cancelled by us, so by the server: it is going away (shutdown).
    return env.Fail(kExitUnavailable, fmt::format("the server ended the watch of activation {}: {}",
                                                  id, DescribeRpcError(status, server)));
  }
  if (!status.ok()) return env.Fail(status);
  return kExitOk;
}

int RunWatch(CommandEnv& env, const WatchArgs& args) {
  const bool live =
      !env.json() && (args.view == "live" || (args.view == "auto" && StdoutIsTerminal(env)));
  auto stub = Stub(env);
  WatchView view({.max_events = static_cast<size_t>(args.events)});
  std::mutex mu;  // guards view, screen and env.out() between this thread and the monitor's
  std::optional<LiveScreen> screen;
  if (live) screen.emplace(env.out());
  auto redraw = [&] {
    TerminalSize size = StdoutTerminalSize(env);
    screen->Draw(view.Render(NowUnix(), size.width, size.height));
  };

  // No deadline: the stream lasts as long as the activation (the monitor
  // finds a server that went away).
  grpc::ClientContext context;
  v1::WatchActivationRequest request;
  request.set_id(args.id);
  SignalGuard signals;
  WatchMonitor monitor(stub.get(), env.connection().options().timeout, &context,
                       live ? std::function<void()>([&] {
                         std::lock_guard<std::mutex> lock(mu);
                         if (view.events() > 0) redraw();
                       })
                            : nullptr);
  auto reader = stub->WatchActivation(&context, request);
  v1::ActivationEvent event;
  while (reader->Read(&event)) {
    monitor.Progress();
    std::lock_guard<std::mutex> lock(mu);
    view.Apply(event);
    if (env.json()) {
      env.out() << ToJson(event) << '\n' << std::flush;
    } else if (live) {
      redraw();
    } else {
      env.out() << view.PlainLine(event) << '\n' << std::flush;
    }
  }
  grpc::Status status = reader->Finish();
  monitor.Stop();
  if (screen) screen->Finish();
  return WatchExit(env, args.id, status, monitor);
}

// ------------------------------------------------------------------ answer

struct AnswerArgs {
  std::vector<std::string> words;  // TOKEN ANSWER, or ANSWER with --activation
  int64_t activation = 0;
  int64_t reservist = 0;
};

Status BuildAnswer(const AnswerArgs& a, v1::RecordAnswerRequest* request) {
  bool by_ids = a.activation != 0 || a.reservist != 0;
  if (by_ids && (a.activation <= 0 || a.reservist <= 0)) {
    return Status::InvalidArgument("--activation", "--activation and --reservist go together");
  }
  if (by_ids && a.words.size() != 1) {
    return Status::InvalidArgument(
        "answer", "with --activation and --reservist, give only accept or decline (no token)");
  }
  if (!by_ids && a.words.size() != 2) {
    return Status::InvalidArgument(
        "answer",
        "expected TOKEN accept|decline, or --activation ID --reservist RID accept|decline");
  }
  std::string word = a.words.back();
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (word == "accept") {
    request->set_answer(v1::ACCEPT);
  } else if (word == "decline") {
    request->set_answer(v1::DECLINE);
  } else {
    return Status::InvalidArgument("answer",
                                   fmt::format("\"{}\" is not accept or decline", a.words.back()));
  }
  if (by_ids) {
    request->set_activation_id(a.activation);
    request->set_reservist_id(a.reservist);
  } else {
    request->set_token(a.words.front());
  }
  return {};
}

std::string Who(const v1::Candidate& c) {
  if (c.reservist_id() == 0) return "the reservist";
  return c.name().empty() ? fmt::format("reservist {}", c.reservist_id())
                          : fmt::format("reservist {} ({})", c.reservist_id(), c.name());
}

int RunAnswer(CommandEnv& env, const AnswerArgs& args) {
  v1::RecordAnswerRequest request;
  if (Status st = BuildAnswer(args, &request); !st.ok()) return env.FailUsage(st);
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::RecordAnswerResponse response;
  grpc::Status status = Stub(env)->RecordAnswer(&context, request, &response);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(response) << '\n';
    return response.outcome() == v1::ANSWER_OUTCOME_UNSPECIFIED ? kExitFailed : kExitOk;
  }
  const char* verb = request.answer() == v1::ACCEPT ? "accepted" : "declined";
  std::string who = Who(response.callout());
  switch (response.outcome()) {
    case v1::RECORDED:
      env.out() << fmt::format("recorded: {} {}\n", who, verb);
      break;
    case v1::ALREADY_ANSWERED:
      env.out() << fmt::format("already answered: {} had already {}; nothing changed\n", who, verb);
      break;
    case v1::NO_LONGER_NEEDED:
      env.out() << fmt::format("no longer needed: {} is not needed; nothing changed\n", who);
      break;
    default:
      return env.Fail(kExitFailed, "the server did not say whether the answer was recorded");
  }
  if (!response.message().empty()) env.out() << "message: " << response.message() << '\n';
  return kExitOk;
}

// -------------------------------------------------------------- stand-down

struct StandDownArgs {
  int64_t id = 0;
  std::string reason;
  bool yes = false;
};

int RunStandDown(CommandEnv& env, const StandDownArgs& args) {
  if (!args.yes && !env.stdin_is_terminal()) {
    return env.Fail(kExitUsage, "not standing down without --yes (stdin is not a terminal)");
  }
  auto stub = Stub(env);
  if (!args.yes) {
    // Fetch first so the question names what is about to be stood down.
    grpc::ClientContext context;
    env.connection().SetDeadline(&context);
    v1::GetActivationRequest get;
    get.set_id(args.id);
    v1::Activation a;
    grpc::Status status = stub->GetActivation(&context, get, &a);
    if (!status.ok()) return env.Fail(status);
    int accepted = 0;
    for (const auto& r : a.requirements()) accepted += r.accepted();
    std::string question = fmt::format(
        "stand down activation {} ({}) and tell everyone asked, {} accepted, they are not "
        "needed?",
        a.id(), a.spec().title(), accepted);
    if (!Confirm(env, question)) return env.Fail(kExitFailed, "not stood down");
  }
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::StandDownRequest request;
  request.set_id(args.id);
  request.set_reason(args.reason);
  v1::Activation a;
  grpc::Status status = stub->StandDownActivation(&context, request, &a);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(a) << '\n';
  } else {
    env.out() << fmt::format("activation {} stood down\n", a.id()) << RenderActivationSummary(a);
  }
  return kExitOk;
}

}  // namespace

void RegisterDispatchCommands(CLI::App& root, CommandEnv& env) {
  auto watch = std::make_shared<WatchArgs>();
  CLI::App* cmd = root.add_subcommand(
      "watch", "Follow an activation's call-outs and answers live until it is over");
  cmd->add_option("id", watch->id, "Activation id")->required()->check(WholeNumberIn(1, kMaxId));
  cmd->add_option("--events", watch->events, "Latest events the live view lists [8]")
      ->check(WholeNumberIn(0, 200));
  cmd->add_option("--view", watch->view,
                  "auto: redraw in place when stdout is a terminal, else one line per event; "
                  "live or plain to choose [auto]")
      ->check(CLI::IsMember({"auto", "live", "plain"}));
  OnRun(cmd, env, [&env, watch] { return RunWatch(env, *watch); });

  auto answer = std::make_shared<AnswerArgs>();
  cmd = root.add_subcommand("answer", "Record a reservist's answer to a call-out");
  cmd->add_option("args", answer->words,
                  "TOKEN accept|decline, or accept|decline with --activation and --reservist")
      ->expected(1, 2)
      ->required();
  cmd->add_option("--activation", answer->activation, "Activation id (instead of a token)")
      ->check(WholeNumberIn(1, kMaxId));
  cmd->add_option("--reservist", answer->reservist, "Reservist id (with --activation)")
      ->check(WholeNumberIn(1, kMaxId));
  cmd->footer(
      "\nForms:\n  musterctl answer TOKEN accept|decline\n"
      "  musterctl answer --activation ID --reservist RID accept|decline");
  OnRun(cmd, env, [&env, answer] { return RunAnswer(env, *answer); });

  auto stand_down = std::make_shared<StandDownArgs>();
  cmd = root.add_subcommand("stand-down",
                            "End an activation: everyone asked who has not declined is stood down");
  cmd->add_option("id", stand_down->id, "Activation id")
      ->required()
      ->check(WholeNumberIn(1, kMaxId));
  cmd->add_option("--reason", stand_down->reason, "Why; sent to everyone stood down");
  cmd->add_flag("--yes,-y", stand_down->yes,
                "Do not ask for confirmation (needed when not on a terminal)");
  OnRun(cmd, env, [&env, stand_down] { return RunStandDown(env, *stand_down); });
}

}  // namespace muster::client
