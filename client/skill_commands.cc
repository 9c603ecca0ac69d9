// musterctl skill list | add. Output formats are documented in
// client/README.md.
#include <fmt/format.h>

#include <memory>

#include "commands.h"
#include "roster_view.h"

namespace muster::client {
namespace {

struct SkillArgs {
  std::string code, name;
  int min_level = 0;  // 0: the daemon's default (1)
  int max_level = 0;  // 0: the daemon's default (5)
};

int RunList(CommandEnv& env) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::ListSkillsResponse response;
  grpc::Status status =
      env.connection().roster().ListSkills(&context, v1::ListSkillsRequest(), &response);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(response) << '\n';
  } else if (response.skills().empty()) {
    env.out() << "no skills in the catalogue\n";
  } else {
    env.out() << RenderSkillTable(response);
  }
  return kExitOk;
}

int RunAdd(CommandEnv& env, const SkillArgs& args) {
  grpc::ClientContext context;
  env.connection().SetDeadline(&context);
  v1::UpsertSkillRequest request;
  request.mutable_skill()->set_code(args.code);
  request.mutable_skill()->set_name(args.name);
  request.mutable_skill()->set_min_level(args.min_level);
  request.mutable_skill()->set_max_level(args.max_level);
  v1::Skill skill;
  grpc::Status status = env.connection().roster().UpsertSkill(&context, request, &skill);
  if (!status.ok()) return env.Fail(status);
  if (env.json()) {
    env.out() << ToJson(skill) << '\n';
  } else {
    env.out() << fmt::format("saved skill {} ({}, levels {}-{})\n", skill.code(), skill.name(),
                             skill.min_level(), skill.max_level());
  }
  return kExitOk;
}

}  // namespace

void RegisterSkillCommands(CLI::App& root, CommandEnv& env) {
  CLI::App* group = root.add_subcommand("skill", "The skill catalogue");
  CLI::App* list = group->add_subcommand("list", "List skills with their number of holders");
  OnRun(list, env, [&env] { return RunList(env); });

  auto args = std::make_shared<SkillArgs>();
  CLI::App* add = group->add_subcommand(
      "add", "Add a skill to the catalogue, or change the name or levels of an existing one");
  add->add_option("code", args->code, "Code: lower-case letters, digits and _, e.g. first_aid")
      ->required();
  add->add_option("--name", args->name, "Human name, e.g. \"First aid\"")->required();
  add->add_option("--min-level", args->min_level, "Lowest level (default 1)")
      ->check(CLI::Range(1, 10));
  add->add_option("--max-level", args->max_level, "Highest level (default 5)")
      ->check(CLI::Range(1, 10));
  OnRun(add, env, [&env, args] { return RunAdd(env, *args); });
}

}  // namespace muster::client
