// musterctl skill list | add | export | import. Output formats are
// documented in client/README.md; the catalogue file in docs/roster-csv.md.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "number_flags.h"
#include "roster/skill_catalogue_csv.h"
#include "roster_view.h"
#include "skill_catalogue_transfer.h"

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

struct ExportArgs {
  std::string file;  // empty or "-": stdout
};

int RunExport(CommandEnv& env, const ExportArgs& args) {
  std::vector<Skill> skills;
  grpc::Status status = FetchSkillCatalogue(env.connection(), &skills);
  if (!status.ok()) return env.Fail(status);
  const std::string text = FormatSkillCatalogueCsv(skills);
  if (args.file.empty() || args.file == "-") {
    env.out() << text;
    return kExitOk;
  }
  Status written = WriteFileAtomically(args.file, text);
  if (!written.ok()) return env.Fail(kExitFailed, written.message());
  if (env.json()) {
    env.out() << nlohmann::json{{"exported", skills.size()}, {"file", args.file}}.dump() << '\n';
  } else {
    env.out() << fmt::format("exported {} skills to {}\n", skills.size(), args.file);
  }
  return kExitOk;
}

struct ImportArgs {
  std::string file;
  bool use_default = false;
  bool dry_run = false;
};

nlohmann::json ImportJson(const SkillImportReport& report) {
  return {{"added", report.added},
          {"changed", report.changed},
          {"unchanged", report.unchanged},
          {"written", report.written}};
}

int RunImport(CommandEnv& env, const ImportArgs& args) {
  if (args.use_default == !args.file.empty()) {
    return env.Fail(kExitUsage, "give a catalogue FILE or --default (not both)");
  }
  std::vector<Skill> skills;
  if (args.use_default) {
    skills = DefaultSkillCatalogue();
  } else {
    auto read = ReadSkillCatalogueFile(args.file);
    if (!read.ok()) return env.Fail(kExitFailed, read.status().message());
    skills = std::move(read).value();
  }
  SkillImportReport report = ImportSkillCatalogue(env.connection(), skills, args.dry_run);
  if (!report.status.ok()) return env.Fail(report.status);
  if (!report.out_of_range.empty()) return env.Fail(kExitFailed, RenderOutOfRange(report));
  env.out() << (env.json() ? ImportJson(report).dump() + "\n"
                           : RenderSkillImportSummary(report, args.dry_run));
  return kExitOk;
}

void AddTransferCommands(CLI::App& group, CommandEnv& env) {
  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = group.add_subcommand(
      "export", "Write the skill catalogue as CSV (format: docs/roster-csv.md), sorted by code");
  exp->add_option("file", export_args->file, "File to write (default: stdout)");
  OnRun(exp, env, [&env, export_args] { return RunExport(env, *export_args); });

  auto import_args = std::make_shared<ImportArgs>();
  CLI::App* imp = group.add_subcommand(
      "import",
      "Add and update skills from a catalogue CSV file; unchanged skills are left alone, none "
      "is removed, and a narrower level range that stored holdings exceed is refused");
  imp->add_option("file", import_args->file,
                  "Catalogue file, e.g. one written by `skill export`, or "
                  "deploy/skills-default.csv");
  imp->add_flag("--default", import_args->use_default,
                "Import the default catalogue built into musterctl (deploy/skills-default.csv)");
  imp->add_flag("--dry-run", import_args->dry_run, "Say what would change, write nothing");
  OnRun(imp, env, [&env, import_args] { return RunImport(env, *import_args); });
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
      ->check(WholeNumberIn(1, 10));
  add->add_option("--max-level", args->max_level, "Highest level (default 5)")
      ->check(WholeNumberIn(1, 10));
  OnRun(add, env, [&env, args] { return RunAdd(env, *args); });
  AddTransferCommands(*group, env);
}

}  // namespace muster::client
