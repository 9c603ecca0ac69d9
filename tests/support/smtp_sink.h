// SmtpSink: a real SMTP server for tests: spawns tests/support/smtp_sink.py
// (Debian python3-aiosmtpd) on 127.0.0.1 port 0 and reads its port. Each
// received message lands in dir() as msg-NNNNNN.eml (envelope lines
// X-Envelope-From / X-Envelope-To / X-Session-TLS first, then the DATA as
// received). Killed in the destructor. Header-only; not thread-safe.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

#ifndef MUSTER_SOURCE_DIR
#error "MUSTER_SOURCE_DIR must be defined (muster_catch_main does)"
#endif

namespace muster::testing {

struct SmtpSinkOptions {
  std::string cert_file;  // PEM; with key_file, enables STARTTLS
  std::string key_file;
  bool require_tls = false;                // refuse MAIL before STARTTLS
  std::string auth;                        // "user:pass" = AUTH required (TLS only)
  std::vector<std::string> reject_rcpt;    // answered 550
  std::vector<std::string> tempfail_rcpt;  // answered 451
};

class SmtpSink {
 public:
  // work_dir: an existing directory for the messages and the sink's output.
  explicit SmtpSink(const std::string& work_dir, const SmtpSinkOptions& options = {})
      : dir_(work_dir + "/mail"), work_dir_(work_dir) {
    std::filesystem::create_directories(dir_);
    // Debian's python3 explicitly: a python3 earlier in PATH may lack aiosmtpd.
    std::vector<std::string> argv = {
        "/usr/bin/python3", std::string(MUSTER_SOURCE_DIR) + "/tests/support/smtp_sink.py", dir_};
    if (!options.cert_file.empty()) {
      argv.insert(argv.end(), {"--cert", options.cert_file, "--key", options.key_file});
    }
    if (options.require_tls) argv.push_back("--require-tls");
    if (!options.auth.empty()) argv.insert(argv.end(), {"--auth", options.auth});
    for (const auto& r : options.reject_rcpt) argv.insert(argv.end(), {"--reject-rcpt", r});
    for (const auto& r : options.tempfail_rcpt) argv.insert(argv.end(), {"--tempfail-rcpt", r});
    std::string out = work_dir_ + "/smtp_sink.out";
    pid_ = Spawn(argv, out, work_dir_ + "/smtp_sink.err");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (port_ == 0) {
      std::string text = ReadFile(out);
      if (text.find('\n') != std::string::npos) port_ = std::stoi(text);
      int status = 0;
      if (port_ == 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        throw std::runtime_error("smtp_sink.py exited: " + ReadFile(work_dir_ + "/smtp_sink.err"));
      }
      if (port_ == 0 && std::chrono::steady_clock::now() > deadline) {
        Stop();
        throw std::runtime_error("smtp_sink.py did not start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~SmtpSink() { Stop(); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string stderr_text() const { return ReadFile(work_dir_ + "/smtp_sink.err"); }

  // The stored messages, oldest first.
  std::vector<std::string> Messages() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".eml") names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(ReadFile(n));
    return out;
  }

  // Polls until at least n messages are stored; false on timeout.
  bool WaitForMessages(size_t n, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Messages().size() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  void Stop() {
    if (pid_ == 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  std::string dir_;
  std::string work_dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace muster::testing
