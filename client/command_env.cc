#include "command_env.h"

#include <chrono>
#include <exception>
#include <ostream>

namespace muster::client {

OutputFormat CommandEnv::format() const {
  return options_.output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
}

Connection& CommandEnv::connection() {
  if (connection_ == nullptr) {
    ConnectionOptions options;
    options.server = options_.server;
    options.timeout =
        std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_seconds * 1000));
    options.token = options_.token;
    options.ca_file = options_.ca_file;
    options.cert_file = options_.cert_file;
    options.key_file = options_.key_file;
    connection_ = std::make_unique<Connection>(options, env_.channel);
  }
  return *connection_;
}

int CommandEnv::Fail(ExitCode code, std::string_view message) {
  err() << "error: " << message << '\n';
  return code;
}

int CommandEnv::Fail(const grpc::Status& status) {
  return Fail(ExitCodeFor(status.error_code()),
              DescribeRpcError(status, connection().options().server));
}

int CommandEnv::FailUsage(const Status& status) {
  return Fail(kExitUsage, status.ToString());
}

int CommandEnv::RunAction() {
  try {
    return action_();
  } catch (const ConnectionSetupError& e) {
    return Fail(kExitUsage, e.what());
  } catch (const std::exception& e) {
    return Fail(kExitFailed, std::string("internal error: ") + e.what());
  }
}

void OnRun(CLI::App* sub, CommandEnv& env, std::function<int()> run) {
  sub->callback([&env, run = std::move(run)] { env.SetAction(run); });
}

}  // namespace muster::client
