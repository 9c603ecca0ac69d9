#include "demo/demo_seed.h"

#include <fmt/format.h>

#include <set>

#include "demo/synthetic_roster.h"
#include "roster/roster_import.h"
#include "roster/skill_catalogue_csv.h"

namespace muster {

Result<int64_t> SeedDemoRoster(Roster& roster) {
  auto count = roster.CountReservists({});
  if (!count.ok()) return count.status();
  if (*count > 0) return int64_t{0};

  auto existing = roster.ListSkills();
  if (!existing.ok()) return existing.status();
  std::set<std::string> have;
  for (const auto& s : *existing) have.insert(s.skill.code);
  for (const Skill& skill : DefaultSkillCatalogue()) {
    if (have.count(skill.code)) continue;
    auto stored = roster.UpsertSkill(skill);
    if (!stored.ok()) return stored.status();
  }

  auto import = roster.BeginImport(/*atomic=*/true, /*dry_run=*/false);
  if (!import.ok()) return import.status();
  std::vector<ImportItem> items;
  int64_t line = 0;
  for (auto& r : GenerateAround(kTewkesburyLat, kTewkesburyLon, kDemoRosterSize, kDemoRadiusKm,
                                /*seed=*/2026)) {
    r.external_id = fmt::format("DEMO-{:04}", ++line);
    items.push_back({line, std::move(r)});
  }
  (*import)->AddRows(std::move(items));
  auto report = (*import)->Finish();
  if (!report.ok()) return report.status();
  if (report->rejected > 0) {
    const auto& e = report->errors.front();
    return Status::Internal(
        fmt::format("demo roster row {} was rejected: {}", e.line, e.status.ToString()));
  }
  return report->created;
}

}  // namespace muster
