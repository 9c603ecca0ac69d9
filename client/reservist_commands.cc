// musterctl reservist add | get | list | update | suspend | reactivate |
// delete. Output formats are documented in client/README.md.
#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <memory>

#include "commands.h"
#include "reservist_flags.h"
#include "roster_fields.h"
#include "roster_view.h"

namespace muster::client {
namespace {

struct RefArgs {
  std::string ref;
  std::string reason;  // suspend / reactivate
  bool yes = false;    // delete
};

struct ListArgs {
  std::string skill, status, area, page_token;
  int limit = 100;
  bool all = false;
};

grpc::Status Fetch(CommandEnv& env, const v1::ReservistRef& ref, v1::Reservist* out) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::GetReservistRequest request;
  *request.mutable_ref() = ref;
  return env.connection().roster().GetReservist(&context, request, out);
}

std::string Describe(const v1::Reservist& r) {
  return fmt::format("{} ({})", r.id(), r.name());
}

// Upserts and prints the result (`verb`: "created" / "updated").
int Upsert(CommandEnv& env, const v1::Reservist& reservist, std::string_view verb) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::UpsertReservistRequest request;
  *request.mutable_reservist() = reservist;
  v1::UpsertReservistResponse response;
  grpc::Status status = env.connection().roster().UpsertReservist(&context, request, &response);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(response) << '\n';
  } else {
    env.out() << verb << " reservist " << Describe(response.reservist()) << "\n"
              << RenderReservistDetails(response.reservist());
  }
  return kExitOk;
}

int RunAdd(CommandEnv& env, const ReservistFlags& flags) {
  v1::Reservist reservist;
  Status s = ApplyReservistFlags(flags, &reservist);
  if (!s.ok()) return env.FailUsage(s);
  // Upsert would silently replace a reservist with the same external id.
  if (!reservist.external_id().empty()) {
    v1::ReservistRef ref;
    ref.set_external_id(reservist.external_id());
    v1::Reservist existing;
    grpc::Status status = Fetch(env, ref, &existing);
    if (status.ok()) {
      return env.Fail(
          kExitFailed,
          fmt::format("reservist {} already has external id \"{}\"; use `musterctl "
                      "reservist update ext:{}` to change it",
                      Describe(existing), reservist.external_id(), reservist.external_id()));
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) return env.Fail(status);
  }
  return Upsert(env, reservist, "created");
}

int RunUpdate(CommandEnv& env, const std::string& ref_text, const ReservistFlags& flags) {
  Result<v1::ReservistRef> ref = ParseReservistRef(ref_text);
  if (!ref.ok()) return env.FailUsage(ref.status());
  if (!HasChanges(flags)) {
    return env.Fail(kExitUsage, "nothing to update: give at least one flag (see --help)");
  }
  v1::Reservist reservist;
  grpc::Status status = Fetch(env, *ref, &reservist);
  if (!status.ok()) return env.Fail(status);
  Status s = ApplyReservistFlags(flags, &reservist);
  if (!s.ok()) return env.FailUsage(s);
  reservist.clear_created_at();
  reservist.clear_updated_at();
  return Upsert(env, reservist, "updated");
}

int RunGet(CommandEnv& env, const RefArgs& args) {
  Result<v1::ReservistRef> ref = ParseReservistRef(args.ref);
  if (!ref.ok()) return env.FailUsage(ref.status());
  v1::Reservist reservist;
  grpc::Status status = Fetch(env, *ref, &reservist);
  if (!status.ok()) return env.Fail(status);
  env.out() << (env.json() ? ToJson(reservist) + "\n" : RenderReservistDetails(reservist));
  return kExitOk;
}

int RunSetStatus(CommandEnv& env, const RefArgs& args, bool suspend) {
  Result<v1::ReservistRef> ref = ParseReservistRef(args.ref);
  if (!ref.ok()) return env.FailUsage(ref.status());
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::SetReservistStatusRequest request;
  *request.mutable_ref() = *ref;
  request.set_reason(args.reason);
  v1::Reservist reservist;
  auto& stub = env.connection().roster();
  grpc::Status status = suspend ? stub.SuspendReservist(&context, request, &reservist)
                                : stub.ReactivateReservist(&context, request, &reservist);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(reservist) << '\n';
  } else {
    env.out() << fmt::format("reservist {} is now {}\n", Describe(reservist),
                             ReservistStatusName(reservist.status()));
  }
  return kExitOk;
}

// Asks on the terminal; false if the answer is not yes.
bool Confirm(CommandEnv& env, const std::string& question) {
  env.err() << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(env.in(), answer);
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

int RunDelete(CommandEnv& env, const RefArgs& args) {
  Result<v1::ReservistRef> ref = ParseReservistRef(args.ref);
  if (!ref.ok()) return env.FailUsage(ref.status());
  if (!args.yes && !env.stdin_is_terminal()) {
    return env.Fail(kExitUsage, "not deleting without --yes (stdin is not a terminal)");
  }
  v1::Reservist reservist;
  grpc::Status status = Fetch(env, *ref, &reservist);
  if (!status.ok()) return env.Fail(status);
  std::string question =
      fmt::format("delete reservist {} and everything stored about them?", Describe(reservist));
  if (!args.yes && !Confirm(env, question)) return env.Fail(kExitFailed, "not deleted");
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::DeleteReservistRequest request;
  request.mutable_ref()->set_id(reservist.id());
  v1::DeleteReservistResponse response;
  status = env.connection().roster().DeleteReservist(&context, request, &response);
  if (!status.ok()) return env.Fail(status);
  env.out() << (env.json() ? ToJson(reservist) + "\n"
                           : fmt::format("deleted reservist {}\n", Describe(reservist)));
  return kExitOk;
}

// Fetches pages until `limit` reservists (or all with --all) into *all.
grpc::Status FetchList(CommandEnv& env, const ListArgs& args, v1::ListReservistsResponse* all) {
  v1::ListReservistsRequest request;
  request.set_skill(args.skill);
  request.set_home_area(args.area);
  v1::ReservistStatus status_filter = v1::RESERVIST_STATUS_UNSPECIFIED;
  (void)ParseReservistStatus(args.status, &status_filter);  // checked by CLI11
  request.set_status(status_filter);
  request.set_page_token(args.page_token);
  for (;;) {
    int wanted = args.all ? 1000 : std::min(1000, args.limit - all->reservists_size());
    request.set_page_size(wanted);
    grpc::ClientContext context;
    env.connection().SetDeadline(&context);
    v1::ListReservistsResponse page;
    grpc::Status status = env.connection().roster().ListReservists(&context, request, &page);
    if (!status.ok()) return status;
    for (v1::Reservist& r : *page.mutable_reservists()) *all->add_reservists() = std::move(r);
    all->set_total(page.total());
    all->set_next_page_token(page.next_page_token());
    bool enough = !args.all && all->reservists_size() >= args.limit;
    if (page.next_page_token().empty() || enough) return grpc::Status::OK;
    request.set_page_token(page.next_page_token());
  }
}

int RunList(CommandEnv& env, const ListArgs& args) {
  v1::ListReservistsResponse all;
  grpc::Status status = FetchList(env, args, &all);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(all) << '\n';
    return kExitOk;
  }
  if (all.reservists().empty()) {
    env.out() << "no reservists match\n";
    return kExitOk;
  }
  env.out() << RenderReservistTable(all.reservists());
  if (!all.next_page_token().empty()) {
    env.out() << fmt::format("(showing {} of {}; more with --all, --limit N or --page-token {})\n",
                             all.reservists_size(), all.total(), all.next_page_token());
  }
  return kExitOk;
}

// --- command-line wiring ---------------------------------------------------

// Binds --flag to an optional: set (even to "") only when given.
void AddOptional(CLI::App* cmd, const std::string& name, std::optional<std::string>* target,
                 const std::string& help) {
  cmd->add_option_function<std::string>(
      name, [target](const std::string& value) { *target = value; }, help);
}

// Binds a repeatable --flag taking one value per occurrence.
void AddRepeated(CLI::App* cmd, const std::string& name, std::vector<std::string>* target,
                 const std::string& help) {
  cmd->add_option(name, *target, help)->allow_extra_args(false);
}

void AddReservistFlags(CLI::App* cmd, ReservistFlags* f, bool update) {
  AddOptional(cmd, "--name", &f->name, "Full name");
  AddOptional(cmd, "--area", &f->area, "Home area (local resilience forum), e.g. gloucestershire");
  AddOptional(cmd, "--at", &f->at, "Home location LAT,LON in degrees, e.g. 51.99,-2.16");
  AddOptional(cmd, "--postcode", &f->postcode, "Postcode (text only)");
  AddOptional(cmd, "--external-id", &f->external_id, "Key in the council's own system");
  AddOptional(cmd, "--max-travel", &f->max_travel, "Furthest they will travel, km (default 50)");
  AddRepeated(cmd, "--channel", &f->channels,
              "KIND:ADDRESS, kind sms|email|webhook; repeat in order of preference" +
                  std::string(update ? " (replaces all channels)" : ""));
  AddRepeated(cmd, "--skill", &f->skills,
              "CODE:LEVEL[:EXPIRES[:ISSUER]], e.g. first_aid:2:2027-03-31:St John; repeatable" +
                  std::string(update ? " (adds, or replaces the same skill)" : ""));
  AddRepeated(cmd, "--available", &f->available,
              "Weekly window DAYS HH:MM-HH:MM, e.g. mon-fri:08:00-18:00 or \"sat\"; repeatable" +
                  std::string(update ? " (replaces all windows)" : " (none: any time)"));
  AddRepeated(cmd, "--unavailable", &f->unavailable,
              "Dates FROM[..UNTIL][:REASON], e.g. 2026-12-24..2026-12-27:Christmas; repeatable" +
                  std::string(update ? " (adds)" : ""));
  if (!update) return;
  AddRepeated(cmd, "--remove-skill", &f->remove_skills, "Skill CODE to remove; repeatable");
  cmd->add_flag("--clear-skills", f->clear_skills, "Remove all skills (before --skill)");
  cmd->add_flag("--clear-available", f->clear_available, "Remove all windows: available any time");
  cmd->add_flag("--clear-unavailable", f->clear_unavailable,
                "Remove all unavailable periods (before --unavailable)");
}

void AddAddCommand(CLI::App& group, CommandEnv& env) {
  auto flags = std::make_shared<ReservistFlags>();
  CLI::App* cmd = group.add_subcommand("add", "Add a reservist");
  AddReservistFlags(cmd, flags.get(), /*update=*/false);
  for (const char* name : {"--name", "--area", "--at", "--channel"})
    cmd->get_option(name)->required();
  OnRun(cmd, env, [&env, flags] { return RunAdd(env, *flags); });
}

void AddUpdateCommand(CLI::App& group, CommandEnv& env) {
  auto flags = std::make_shared<ReservistFlags>();
  auto ref = std::make_shared<std::string>();
  CLI::App* cmd = group.add_subcommand(
      "update", "Change a reservist: only the given flags change, everything else is kept");
  cmd->add_option("ref", *ref, "Reservist id, or ext:EXTERNAL_ID")->required();
  AddReservistFlags(cmd, flags.get(), /*update=*/true);
  OnRun(cmd, env, [&env, flags, ref] { return RunUpdate(env, *ref, *flags); });
}

// get / suspend / reactivate / delete: a REF and a few flags.
void AddRefCommands(CLI::App& group, CommandEnv& env) {
  const char* kRefHelp = "Reservist id, or ext:EXTERNAL_ID";
  auto get = std::make_shared<RefArgs>();
  CLI::App* cmd = group.add_subcommand("get", "Show one reservist");
  cmd->add_option("ref", get->ref, kRefHelp)->required();
  OnRun(cmd, env, [&env, get] { return RunGet(env, *get); });
  for (bool suspend : {true, false}) {
    auto args = std::make_shared<RefArgs>();
    cmd = group.add_subcommand(suspend ? "suspend" : "reactivate",
                               suspend ? "Suspend a reservist (never called out until reactivated)"
                                       : "Make a suspended reservist active again");
    cmd->add_option("ref", args->ref, kRefHelp)->required();
    cmd->add_option("--reason", args->reason, "Why (recorded with the change)");
    OnRun(cmd, env, [&env, args, suspend] { return RunSetStatus(env, *args, suspend); });
  }
  auto del = std::make_shared<RefArgs>();
  cmd = group.add_subcommand("delete", "Delete a reservist and everything stored about them");
  cmd->add_option("ref", del->ref, kRefHelp)->required();
  cmd->add_flag("--yes,-y", del->yes,
                "Do not ask for confirmation (needed when not on a terminal)");
  OnRun(cmd, env, [&env, del] { return RunDelete(env, *del); });
}

void AddListCommand(CLI::App& group, CommandEnv& env) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* cmd = group.add_subcommand("list", "List reservists in id order");
  cmd->add_option("--skill", args->skill, "Only those holding this skill code");
  cmd->add_option("--status", args->status, "Only those with this status")
      ->check(CLI::IsMember({"active", "suspended"}));
  cmd->add_option("--area", args->area, "Only those of this home area");
  cmd->add_option("--limit", args->limit, "Show at most this many")
      ->check(WholeNumberIn(1, std::numeric_limits<int>::max()))
      ->capture_default_str();
  cmd->add_flag("--all", args->all, "Show every match (ignores --limit)");
  cmd->add_option("--page-token", args->page_token, "Continue a previous listing");
  OnRun(cmd, env, [&env, args] { return RunList(env, *args); });
}

}  // namespace

void RegisterReservistCommands(CLI::App& root, CommandEnv& env) {
  CLI::App* group = root.add_subcommand("reservist", "Add, show, change and remove reservists");
  AddAddCommand(*group, env);
  AddRefCommands(*group, env);
  AddListCommand(*group, env);
  AddUpdateCommand(*group, env);
}

}  // namespace muster::client
