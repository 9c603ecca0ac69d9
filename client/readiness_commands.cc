// musterctl readiness: per home area x skill, active holders, how many could
// serve in a window, certificates lapsing soon (ActivationService.GetReadiness).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "activation_flags.h"
#include "commands.h"
#include "core/civil_time.h"
#include "muster/v1/activation.grpc.pb.h"
#include "number_flags.h"
#include "output.h"

namespace muster::client {
namespace {

struct ReadinessArgs {
  std::vector<std::string> areas;
  std::vector<std::string> skills;
  std::string start = "now";
  std::string duration = "60";
  int min_level = 0;
};

std::string ReadinessTable(const v1::GetReadinessResponse& r) {
  Table t({{"AREA"},
           {"SKILL"},
           {"HOLDERS", Align::kRight},
           {"AVAILABLE", Align::kRight},
           {"EXPIRING 30D", Align::kRight},
           {"EXPIRING 90D", Align::kRight},
           {"LAPSED", Align::kRight}});
  for (const auto& c : r.cells()) {
    t.AddRow({c.suppressed() ? c.area() + " *" : c.area(), c.skill(), std::to_string(c.holders()),
              std::to_string(c.available()), std::to_string(c.expiring_30_days()),
              std::to_string(c.expiring_90_days()), std::to_string(c.lapsed())});
  }
  return t.Render();
}

int RunReadiness(CommandEnv& env, const ReadinessArgs& a) {
  v1::GetReadinessRequest req;
  auto start = ParseStart(a.start);
  if (!start.ok()) return env.FailUsage(start.status());
  if (*start) req.mutable_start()->set_seconds(**start);
  auto minutes = ParseMinutes(a.duration, "--duration");
  if (!minutes.ok()) return env.FailUsage(minutes.status());
  req.set_duration_minutes(*minutes);
  req.set_min_level(a.min_level);
  for (const auto& area : a.areas) req.add_areas(area);
  for (const auto& skill : a.skills) req.add_skills(skill);

  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::GetReadinessResponse resp;
  grpc::Status status = v1::ActivationService::NewStub(env.connection().channel())
                            ->GetReadiness(&context, req, &resp);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(resp) << '\n';
    return kExitOk;
  }
  env.out() << fmt::format("readiness for {} to {} (certificates as of {})\n",
                           FormatInstant(resp.start().seconds()),
                           FormatInstant(resp.end().seconds()), resp.today());
  env.out() << ReadinessTable(resp);
  for (const auto& c : resp.cells()) {
    if (c.suppressed()) {
      env.out() << "* another area's counts below 5 are shown as 0\n";
      break;
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterReadinessCommands(CLI::App& root, CommandEnv& env) {
  auto args = std::make_shared<ReadinessArgs>();
  CLI::App* readiness = root.add_subcommand(
      "readiness",
      "Per home area and skill: active holders, how many could serve in a window, "
      "certificates lapsing within 30 and 90 days");
  readiness->add_option("--area", args->areas,
                        "Home area to report (repeatable) [the token's own areas, or all]");
  readiness->add_option("--skill", args->skills, "Skill code to report (repeatable) [all]");
  readiness->add_option("--start", args->start,
                        "Start of the window: now or ISO 8601, e.g. 2026-12-12T20:00Z [now]");
  readiness->add_option("--duration", args->duration,
                        "Length of the window: 90, 90m, 12h, 1h30m [60 minutes]");
  readiness->add_option("--min-level", args->min_level, "Count holdings at this level or above [1]")
      ->check(WholeNumberIn(1, 255));
  OnRun(readiness, env, [&env, args] { return RunReadiness(env, *args); });
}

}  // namespace muster::client
