// musterctl audit [--since ISO] [--actor A] [--action X] [--limit N]
// musterctl audit verify
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "commands.h"
#include "core/civil_time.h"
#include "muster/v1/audit.grpc.pb.h"

namespace muster::client {
namespace {

struct AuditFlags {
  std::string since;
  std::string actor;
  std::string action;
  int limit = 100;
};

int RunList(CommandEnv& env, const AuditFlags& flags) {
  v1::ListAuditRequest req;
  if (!flags.since.empty()) {
    // A bare date means midnight UTC.
    std::string text = flags.since.size() == 10 ? flags.since + "T00:00Z" : flags.since;
    std::optional<int64_t> since = ParseInstant(text);
    if (!since) {
      return env.FailUsage(Status::InvalidArgument(
          "--since", fmt::format("'{}' is not an ISO 8601 instant such as 2026-11-25T09:00Z or a "
                                 "date such as 2026-11-25",
                                 flags.since)));
    }
    req.mutable_since()->set_seconds(*since);
  }
  req.set_actor(flags.actor);
  req.set_action(flags.action);
  auto stub = v1::AuditService::NewStub(env.connection().channel());
  std::vector<v1::AuditRecord> records;
  while (static_cast<int>(records.size()) < flags.limit) {
    req.set_page_size(std::min(1000, flags.limit - static_cast<int>(records.size())));
    grpc::ClientContext context;
    env.connection().SetDeadline(&context);
    v1::ListAuditResponse resp;
    grpc::Status status = stub->ListAudit(&context, req, &resp);
    if (!status.ok()) return env.Fail(status);
    for (const auto& r : resp.records()) records.push_back(r);
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (env.json()) {
    nlohmann::json j = {{"records", nlohmann::json::array()}};
    for (const auto& r : records) j["records"].push_back(nlohmann::json::parse(ToJson(r)));
    env.out() << j.dump() << '\n';
    return kExitOk;
  }
  Table table({{"ID", Align::kRight},
               {"AT"},
               {"ACTOR", Align::kLeft, 24},
               {"ACTION"},
               {"OUTCOME"},
               {"TARGET", Align::kLeft, 40},
               {"REQUEST"}});
  for (const auto& r : records) {
    table.AddRow({std::to_string(r.id()), FormatInstant(r.at().seconds()), CellText(r.actor()),
                  CellText(r.action()), r.outcome(), CellText(r.target()),
                  CellText(r.request_id())});
  }
  env.out() << table.Render();
  if (records.empty()) env.err() << "no audit records match\n";
  return kExitOk;
}

int RunVerify(CommandEnv& env) {
  auto stub = v1::AuditService::NewStub(env.connection().channel());
  grpc::ClientContext context;
  // Verification reads the whole log; allow longer than a plain call.
  context.set_deadline(std::chrono::system_clock::now() + 10 * env.connection().options().timeout);
  v1::VerifyAuditResponse resp;
  grpc::Status status = stub->VerifyAudit(&context, v1::VerifyAuditRequest(), &resp);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(resp) << '\n';
  } else if (resp.ok()) {
    env.out() << fmt::format("audit log intact: {} records checked\n", resp.rows_checked());
  } else {
    env.out() << fmt::format("audit log BROKEN at record {}: {}\n", resp.first_bad_id(),
                             resp.problem());
  }
  return resp.ok() ? kExitOk : kExitFailed;
}

}  // namespace

void RegisterAuditCommands(CLI::App& root, CommandEnv& env) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* group = root.add_subcommand(
      "audit", "List the audit log (who did what, oldest first); needs an admin token");
  group->add_option("--since", flags->since, "Records at or after this ISO 8601 instant or date");
  group->add_option("--actor", flags->actor, "Only this actor (token name, certificate CN)");
  group->add_option("--action", flags->action,
                    "Only this action (RosterService/UpsertReservist), or a prefix ending in /");
  group->add_option("--limit", flags->limit, "At most this many records")
      ->check(WholeNumberIn(1, 1000000))
      ->capture_default_str();
  // Subcommand callbacks run before their parent's: list only when no
  // subcommand was given, so `audit verify` is not overridden.
  group->callback([&env, flags, group] {
    if (group->get_subcommands().empty())
      env.SetAction([&env, flags] { return RunList(env, *flags); });
  });
  CLI::App* verify = group->add_subcommand(
      "verify", "Check the audit log's hash chain; exit 1 if a record was changed or removed");
  OnRun(verify, env, [&env] { return RunVerify(env); });
}

}  // namespace muster::client
