// musterctl activate | preview | activation list|show|cancel | explain.
#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "activation_flags.h"
#include "commands.h"
#include "core/civil_time.h"
#include "muster/v1/activation.grpc.pb.h"
#include "number_flags.h"
#include "roster_fields.h"
#include "watch_view.h"

namespace muster::client {
namespace {

struct SpecArgs {
  std::string title, message, at, start = "now", answer_within = "15m", key, priority = "urgent";
  double radius_km = 0;
  double hours = 0;
  std::vector<std::string> needs;
  std::vector<std::string> areas;
};

std::unique_ptr<v1::ActivationService::Stub> Stub(CommandEnv& env) {
  return v1::ActivationService::NewStub(env.connection().channel());
}

// Builds the spec from flags; syntax errors only (the daemon checks meaning).
Status BuildSpec(const SpecArgs& a, v1::ActivationSpec* spec) {
  spec->set_title(a.title);
  spec->set_message(a.message);
  double lat = 0, lon = 0;
  if (Status st = ParseLatLon(a.at, &lat, &lon); !st.ok()) {
    return Status::InvalidArgument("--at", fmt::format("'{}': {}", a.at, st.ToString()));
  }
  spec->set_lat(lat);
  spec->set_lon(lon);
  spec->set_radius_km(a.radius_km);
  auto start = ParseStart(a.start);
  if (!start.ok()) return start.status();
  if (start->has_value()) {
    spec->mutable_start()->set_seconds(**start);
  } else {
    spec->set_start_now(true);
  }
  // The daemon checks the range (1 minute to 30 days); the minutes must
  // first fit the int32 field, or they would wrap into that range.
  const double minutes = std::round(a.hours * 60);
  if (!(std::fabs(minutes) <= INT32_MAX)) {
    return Status::InvalidArgument(
        "--hours", fmt::format("'{:g}' is out of range (1 minute to 720 hours)", a.hours));
  }
  spec->set_duration_minutes(static_cast<int32_t>(minutes));
  auto within = ParseMinutes(a.answer_within, "--answer-within");
  if (!within.ok()) return within.status();
  spec->set_answer_within_minutes(*within);
  auto priority = ParsePriority(a.priority);
  if (!priority.ok()) return priority.status();
  spec->set_priority(*priority);
  for (const auto& area : a.areas) spec->add_areas(area);
  for (const auto& need : a.needs) {
    MUSTER_RETURN_IF_ERROR(ParseNeed(need, spec->add_requirements()));
  }
  return {};
}

std::string RequirementsTable(const v1::Activation& a) {
  Table t({{"SKILL"},
           {"MIN LEVEL", Align::kRight},
           {"NEEDED", Align::kRight},
           {"ELIGIBLE", Align::kRight},
           {"ASKED", Align::kRight},
           {"ACCEPTED", Align::kRight},
           {"SHORTFALL", Align::kRight}});
  for (const auto& r : a.requirements()) {
    t.AddRow({r.requirement().skill(), std::to_string(r.requirement().min_level()),
              std::to_string(r.requirement().count()), std::to_string(r.eligible()),
              std::to_string(r.asked()), std::to_string(r.accepted()),
              r.shortfall() > 0 ? std::to_string(r.shortfall()) : "-"});
  }
  return t.Render();
}

// The ranked candidates; a stored activation adds each call-out's STATE
// (QUEUED, SENT, DELIVERED, FAILED, ACCEPTED, ...).
std::string CandidatesTable(const v1::Activation& a) {
  const bool stored = a.id() != 0;
  std::vector<TableColumn> columns = {{"SKILL"},
                                      {"RANK", Align::kRight},
                                      {"ID", Align::kRight},
                                      {"NAME", Align::kLeft, 30},
                                      {"KM", Align::kRight},
                                      {"LEVEL", Align::kRight},
                                      {"SCORE", Align::kRight},
                                      {"DIST", Align::kRight},
                                      {"LVL", Align::kRight},
                                      {"FAIR", Align::kRight},
                                      {"RELY", Align::kRight},
                                      {"P(ACCEPT)", Align::kRight},
                                      {"WAVE", Align::kRight}};
  if (stored) columns.push_back({"STATE"});
  Table t(std::move(columns));
  for (const auto& c : a.candidates()) {
    const auto& s = c.score();
    std::string skill = c.requirement_index() < a.spec().requirements_size()
                            ? a.spec().requirements(c.requirement_index()).skill()
                            : "?";
    std::vector<std::string> row = {skill,
                                    std::to_string(c.rank()),
                                    std::to_string(c.reservist_id()),
                                    c.name(),
                                    fmt::format("{:.1f}", c.distance_km()),
                                    std::to_string(c.level()),
                                    fmt::format("{:.3f}", s.total()),
                                    fmt::format("{:.3f}", s.distance()),
                                    fmt::format("{:.3f}", s.level()),
                                    fmt::format("{:.3f}", s.fairness()),
                                    fmt::format("{:.3f}", s.reliability()),
                                    fmt::format("{:.2f}", c.accept_probability()),
                                    std::to_string(c.wave())};
    if (stored) row.emplace_back(CalloutStateName(c.state()));
    t.AddRow(std::move(row));
  }
  return t.Render();
}

// "delivery errors:" and one line per call-out with a last error, in full:
// "Ali Khan (44) FAILED via sms: sms_primary: HTTP 503". Empty if none.
std::string DeliveryErrors(const v1::Activation& a) {
  std::string out;
  for (const auto& c : a.candidates()) {
    if (c.last_error().empty()) continue;
    out += fmt::format(
        "{} ({}) {}{}: {}\n", CellText(c.name()), c.reservist_id(), CalloutStateName(c.state()),
        c.channel().empty() ? "" : " via " + CellText(c.channel()), CellText(c.last_error()));
  }
  return out.empty() ? out : "\ndelivery errors:\n" + out;
}

void PrintActivation(CommandEnv& env, const v1::Activation& a) {
  const auto& s = a.spec();
  std::vector<DetailRow> rows = {
      {"id", {a.id() ? std::to_string(a.id()) : "(preview)"}},
      {"title", {s.title()}},
      {"state", {std::string(ActivationStateName(a.state()))}},
      {"where", {fmt::format("{:.5f},{:.5f} within {} km", s.lat(), s.lon(), s.radius_km())}},
      {"when",
       {fmt::format("{} for {} h {} min", FormatInstant(s.start().seconds()),
                    s.duration_minutes() / 60, s.duration_minutes() % 60)}},
      {"answer within", {fmt::format("{} min", s.answer_within_minutes())}},
      {"priority", {std::string(PriorityName(s.priority()))}},
      {"areas",
       {s.areas().empty() ? std::string("every area")
                          : fmt::format("{}", fmt::join(s.areas(), ", "))}},
  };
  if (!a.idempotency_key().empty()) rows.push_back({"key", {a.idempotency_key()}});
  if (!s.message().empty()) rows.push_back({"message", {s.message()}});
  env.out() << RenderDetails(rows) << '\n' << RequirementsTable(a);
  if (a.candidates_size() > 0) {
    env.out() << '\n' << CandidatesTable(a) << DeliveryErrors(a);
  } else if (a.id() != 0 || a.requirements_size() > 0) {
    env.out() << "\nnobody eligible was found\n";
  }
  for (const auto& r : a.requirements()) {
    if (r.shortfall() > 0) {
      env.out() << fmt::format("warning: {} is short by {} (only {} eligible for {} needed)\n",
                               r.requirement().skill(), r.shortfall(), r.eligible(),
                               r.requirement().count());
    }
  }
}

int RunActivate(CommandEnv& env, const SpecArgs& args, bool preview) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::ActivationSpec spec;
  if (Status st = BuildSpec(args, &spec); !st.ok()) return env.FailUsage(st);
  auto stub = Stub(env);
  if (preview) {
    v1::PreviewActivationRequest req;
    *req.mutable_spec() = spec;
    v1::PreviewActivationResponse resp;
    grpc::Status status = stub->PreviewActivation(&context, req, &resp);
    if (!status.ok()) return env.Fail(status);
    if (env.json()) {
      env.out() << ToJson(resp) << '\n';
    } else {
      PrintActivation(env, resp.activation());
    }
    return kExitOk;
  }
  v1::CreateActivationRequest req;
  *req.mutable_spec() = spec;
  req.set_idempotency_key(args.key);
  v1::CreateActivationResponse resp;
  grpc::Status status = stub->CreateActivation(&context, req, &resp);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(resp) << '\n';
    return kExitOk;
  }
  if (!resp.created()) {
    env.out() << fmt::format("activation {} already exists for key '{}'; nobody asked again\n\n",
                             resp.activation().id(), args.key);
  }
  PrintActivation(env, resp.activation());
  if (resp.candidates_omitted()) {
    env.out() << fmt::format(
        "\n(candidates not listed: too many; see `musterctl activation show {}` or watch it)\n",
        resp.activation().id());
  }
  return kExitOk;
}

void AddSpecFlags(CLI::App* cmd, SpecArgs& a) {
  cmd->add_option("--title", a.title, "Short title, e.g. \"Tewkesbury flooding\"")->required();
  cmd->add_option("--at", a.at, "Where help is needed, LAT,LON in degrees")->required();
  cmd->add_option("--radius", a.radius_km, "Search radius, km (0-1000]")
      ->required()
      ->check(FiniteNumber());
  cmd->add_option("--start", a.start, "Start: now, or ISO 8601 with Z/offset [now]");
  cmd->add_option("--hours", a.hours, "Duration in hours, e.g. 12 or 1.5, at most 720 (30 days)")
      ->required()
      ->check(FiniteNumber());
  cmd->add_option("--need", a.needs, "SKILL[:MIN_LEVEL]:COUNT, repeatable, e.g. first_aid:2:12")
      ->required();
  cmd->add_option("--message", a.message, "Message text sent to reservists");
  cmd->add_option("--answer-within", a.answer_within, "Answer deadline per wave [15m]");
  cmd->add_option("--priority", a.priority, "routine|urgent|emergency [urgent]");
  cmd->add_option("--area", a.areas,
                  "Ask only reservists of this home area; repeatable. Default: every area "
                  "your token covers. Another area than your token's is mutual aid");
}

int RunList(CommandEnv& env, const std::string& state_text, int limit) {
  v1::ListActivationsRequest req;
  if (!state_text.empty()) {
    auto state = ParseActivationState(state_text);
    if (!state.ok()) return env.FailUsage(state.status());
    req.set_state(*state);
  }
  req.set_page_size(limit);
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::ListActivationsResponse resp;
  grpc::Status status = Stub(env)->ListActivations(&context, req, &resp);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(resp) << '\n';
    return kExitOk;
  }
  Table t({{"ID", Align::kRight},
           {"STATE"},
           {"TITLE", Align::kLeft, 40},
           {"START"},
           {"HOURS", Align::kRight},
           {"ASKED", Align::kRight},
           {"NEEDED", Align::kRight}});
  for (const auto& a : resp.activations()) {
    int asked = 0, needed = 0;
    for (const auto& r : a.requirements()) {
      asked += r.asked();
      needed += r.requirement().count();
    }
    t.AddRow({std::to_string(a.id()), std::string(ActivationStateName(a.state())), a.spec().title(),
              FormatInstant(a.spec().start().seconds()),
              fmt::format("{:g}", a.spec().duration_minutes() / 60.0), std::to_string(asked),
              std::to_string(needed)});
  }
  env.out() << (t.size() ? t.Render() : "no activations\n");
  return kExitOk;
}

int RunShow(CommandEnv& env, int64_t id) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::GetActivationRequest req;
  req.set_id(id);
  v1::Activation a;
  grpc::Status status = Stub(env)->GetActivation(&context, req, &a);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(a) << '\n';
  } else {
    PrintActivation(env, a);
  }
  return kExitOk;
}

int RunCancel(CommandEnv& env, int64_t id, const std::string& reason) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::CancelActivationRequest req;
  req.set_id(id);
  req.set_reason(reason);
  v1::Activation a;
  grpc::Status status = Stub(env)->CancelActivation(&context, req, &a);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(a) << '\n';
  } else {
    env.out() << fmt::format("activation {} cancelled\n", a.id());
  }
  return kExitOk;
}

int RunExplain(CommandEnv& env, int64_t activation, int64_t reservist) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::ExplainRequest req;
  req.set_activation_id(activation);
  req.set_reservist_id(reservist);
  v1::ExplainResponse resp;
  grpc::Status status = Stub(env)->Explain(&context, req, &resp);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(resp) << '\n';
  } else {
    env.out() << fmt::format("reservist {} on activation {}: {}\n", reservist, activation,
                             resp.reason());
  }
  return kExitOk;
}

}  // namespace

void RegisterActivationCommands(CLI::App& root, CommandEnv& env) {
  auto create = std::make_shared<SpecArgs>();
  CLI::App* activate = root.add_subcommand(
      "activate", "Raise an emergency activation: rank the roster and ask the first wave");
  AddSpecFlags(activate, *create);
  activate->add_option(
      "--key", create->key,
      "Idempotency key: repeating the command with the same key asks nobody twice");
  OnRun(activate, env, [&env, create] { return RunActivate(env, *create, false); });

  auto preview_args = std::make_shared<SpecArgs>();
  CLI::App* preview =
      root.add_subcommand("preview", "Rank and select like activate, but store and send nothing");
  AddSpecFlags(preview, *preview_args);
  OnRun(preview, env, [&env, preview_args] { return RunActivate(env, *preview_args, true); });

  CLI::App* group = root.add_subcommand("activation", "List, show and cancel activations");
  auto state = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(50);
  CLI::App* list = group->add_subcommand("list", "Activations, newest first");
  list->add_option("--state", *state, "open|filled|stood_down|cancelled|expired");
  list->add_option("--limit", *limit, "At most this many [50]")->check(WholeNumberIn(1, 500));
  OnRun(list, env, [&env, state, limit] { return RunList(env, *state, *limit); });

  auto id = std::make_shared<int64_t>(0);
  CLI::App* show = group->add_subcommand(
      "show", "Requirements with asked/accepted counts and the ranked candidates");
  show->add_option("id", *id, "Activation id")->required()->check(WholeNumberIn(1, kMaxId));
  OnRun(show, env, [&env, id] { return RunShow(env, *id); });

  auto cancel_id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  CLI::App* cancel = group->add_subcommand("cancel", "Cancel an open or filled activation");
  cancel->add_option("id", *cancel_id, "Activation id")
      ->required()
      ->check(WholeNumberIn(1, kMaxId));
  cancel->add_option("--reason", *reason, "Why, recorded with the change");
  OnRun(cancel, env, [&env, cancel_id, reason] { return RunCancel(env, *cancel_id, *reason); });

  auto ids = std::make_shared<std::pair<int64_t, int64_t>>();
  CLI::App* explain =
      root.add_subcommand("explain", "Why a reservist was or was not asked on an activation");
  explain->add_option("activation", ids->first, "Activation id")
      ->required()
      ->check(WholeNumberIn(1, kMaxId));
  explain->add_option("reservist", ids->second, "Reservist id")
      ->required()
      ->check(WholeNumberIn(1, kMaxId));
  OnRun(explain, env, [&env, ids] { return RunExplain(env, ids->first, ids->second); });
}

}  // namespace muster::client
