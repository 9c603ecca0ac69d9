// Child processes for end-to-end tests: run musterctl and capture its output,
// or keep a musterd running on a loopback port with a temporary database.
// Header-only so any test area can use it. Not thread-safe.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace muster::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Spawns argv[0] with stdin from stdin_path (or /dev/null), stdout and stderr
// to the given files. Returns the pid. No shell is involved.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::string& stdout_path,
                   const std::string& stderr_path, const std::string& stdin_path = "/dev/null") {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("posix_spawn failed for " + argv[0]);
  return pid;
}

// Waits for pid up to timeout; kills it (SIGKILL) and returns -1 on timeout.
inline int WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs a command to completion (at most timeout) and captures its output.
inline CommandResult Run(const std::vector<std::string>& argv, const std::string& work_dir,
                         std::chrono::milliseconds timeout = std::chrono::seconds(120),
                         const std::string& stdin_path = "/dev/null") {
  std::string out = work_dir + "/cmd.out", err = work_dir + "/cmd.err";
  unlink(err.c_str());
  pid_t pid = Spawn(argv, out, err, stdin_path);
  CommandResult r;
  r.exit_code = WaitExit(pid, timeout);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

// A musterd child process on 127.0.0.1 with a port chosen by the kernel.
class MusterdProcess {
 public:
  // Starts musterd with --db db_path plus extra args, and waits until it
  // serves (its --port-file appears). Throws if it does not within 30 s.
  MusterdProcess(std::string binary, std::string db_path, std::string work_dir,
                 std::vector<std::string> extra = {})
      : work_dir_(std::move(work_dir)) {
    std::string port_file = work_dir_ + "/musterd.port";
    unlink(port_file.c_str());
    std::string http_port_file = work_dir_ + "/musterd.http-port";
    unlink(http_port_file.c_str());
    // Both endpoints on kernel-chosen ports, so tests can run in parallel.
    std::vector<std::string> argv = {std::move(binary),  "--db",          std::move(db_path),
                                     "--listen",         "127.0.0.1:0",   "--port-file",
                                     port_file,          "--http-listen", "127.0.0.1:0",
                                     "--http-port-file", http_port_file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = Spawn(argv, work_dir_ + "/musterd.out", log_path());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (port_ == 0) {
      std::string text = ReadFile(port_file);
      if (!text.empty()) port_ = std::stoi(text);
      int status = 0;
      if (port_ == 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        throw std::runtime_error("musterd exited at start-up: " + ReadFile(log_path()));
      }
      if (port_ == 0 && std::chrono::steady_clock::now() > deadline) {
        Kill();
        throw std::runtime_error("musterd did not start: " + ReadFile(log_path()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // The HTTP port file is written before the gRPC one (when HTTP is on).
    std::string http = ReadFile(http_port_file);
    if (!http.empty()) http_port_ = std::stoi(http);
  }
  ~MusterdProcess() {
    if (pid_ != 0) Kill();
  }
  MusterdProcess(const MusterdProcess&) = delete;
  MusterdProcess& operator=(const MusterdProcess&) = delete;

  int port() const { return port_; }
  // The HTTP endpoint's port; 0 if it is off.
  int http_port() const { return http_port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return work_dir_ + "/musterd.log"; }

  // SIGTERM and wait for a clean exit; returns the exit code (-1: timed out).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    if (pid_ == 0) return -1;
    kill(pid_, SIGTERM);
    int code = WaitExit(pid_, timeout);
    pid_ = 0;
    return code;
  }
  // SIGKILL: a crash.
  void Kill() {
    if (pid_ == 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  std::string work_dir_;
  pid_t pid_ = 0;
  int port_ = 0;
  int http_port_ = 0;
};

}  // namespace muster::testing
