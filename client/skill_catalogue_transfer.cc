#include "skill_catalogue_transfer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "roster/skill_catalogue_csv.h"

namespace muster::client {
namespace {

// Holdings named per narrowed skill; the rest are counted.
constexpr size_t kMaxListedPerSkill = 20;

std::string Describe(const v1::Reservist& r) {
  std::string who = r.external_id().empty() ? fmt::format("id {}", r.id()) : r.external_id();
  return fmt::format("{} ({})", who, r.name());
}

// Appends the holdings of `code` outside [min, max] to the report, reading
// every reservist holding the skill page by page.
grpc::Status FindOutOfRange(Connection& connection, const Skill& skill, SkillImportReport* report) {
  v1::ListReservistsRequest request;
  request.set_skill(skill.code);
  request.set_page_size(1000);
  size_t listed = 0;
  do {
    grpc::ClientContext context;
    connection.SetDeadline(&context);
    v1::ListReservistsResponse page;
    grpc::Status status = connection.roster().ListReservists(&context, request, &page);
    if (!status.ok()) return status;
    for (const v1::Reservist& r : page.reservists()) {
      for (const v1::SkillHolding& h : r.skills()) {
        if (h.skill() != skill.code) continue;
        if (h.level() >= skill.min_level && h.level() <= skill.max_level) continue;
        if (listed++ < kMaxListedPerSkill) {
          report->out_of_range.push_back(
              {skill.code, skill.min_level, skill.max_level, Describe(r), h.level()});
        } else {
          ++report->out_of_range_unlisted;
        }
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return grpc::Status::OK;
}

grpc::Status Upsert(Connection& connection, const Skill& skill) {
  grpc::ClientContext context;
  connection.SetDeadline(&context);
  v1::UpsertSkillRequest request;
  request.mutable_skill()->set_code(skill.code);
  request.mutable_skill()->set_name(skill.name);
  request.mutable_skill()->set_min_level(skill.min_level);
  request.mutable_skill()->set_max_level(skill.max_level);
  v1::Skill stored;
  return connection.roster().UpsertSkill(&context, request, &stored);
}

std::string CodeList(const std::vector<std::string>& codes) {
  return codes.empty() ? "" : fmt::format(" ({})", fmt::join(codes, ", "));
}

}  // namespace

Result<std::vector<Skill>> ReadSkillCatalogueFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::InvalidArgument("file",
                                   fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::InvalidArgument("file", fmt::format("cannot read {}", path));
  auto skills = ParseSkillCatalogueCsv(text.str());
  if (!skills.ok()) {
    return Status::InvalidArgument(skills.status().field(),
                                   fmt::format("{}: {}", path, skills.status().message()));
  }
  return skills;
}

grpc::Status FetchSkillCatalogue(Connection& connection, std::vector<Skill>* out) {
  grpc::ClientContext context;
  connection.SetDeadline(&context);
  v1::ListSkillsResponse response;
  grpc::Status status =
      connection.roster().ListSkills(&context, v1::ListSkillsRequest(), &response);
  if (!status.ok()) return status;
  out->clear();
  for (const v1::Skill& s : response.skills()) {
    out->push_back({s.code(), s.name(), s.min_level(), s.max_level()});
  }
  std::sort(out->begin(), out->end(),
            [](const Skill& a, const Skill& b) { return a.code < b.code; });
  return grpc::Status::OK;
}

SkillImportReport ImportSkillCatalogue(Connection& connection, std::span<const Skill> skills,
                                       bool dry_run) {
  SkillImportReport report;
  grpc::ClientContext context;
  connection.SetDeadline(&context);
  v1::ListSkillsResponse current;
  report.status = connection.roster().ListSkills(&context, v1::ListSkillsRequest(), &current);
  if (!report.status.ok()) return report;
  std::map<std::string, std::pair<Skill, int64_t>, std::less<>> stored;  // skill, holders
  for (int i = 0; i < current.skills_size(); ++i) {
    const v1::Skill& s = current.skills(i);
    int64_t holders = i < current.holders_size() ? current.holders(i) : 0;
    stored[s.code()] = {Skill{s.code(), s.name(), s.min_level(), s.max_level()}, holders};
  }

  std::vector<const Skill*> writes;
  for (const Skill& skill : skills) {
    auto it = stored.find(skill.code);
    if (it == stored.end()) {
      report.added.push_back(skill.code);
      writes.push_back(&skill);
      continue;
    }
    const auto& [before, holders] = it->second;
    if (before == skill) {
      ++report.unchanged;
      continue;
    }
    report.changed.push_back(skill.code);
    writes.push_back(&skill);
    const bool narrowed = skill.min_level > before.min_level || skill.max_level < before.max_level;
    if (narrowed && holders > 0) {
      report.status = FindOutOfRange(connection, skill, &report);
      if (!report.status.ok()) return report;
    }
  }
  if (dry_run || !report.out_of_range.empty()) return report;
  for (const Skill* skill : writes) {
    report.status = Upsert(connection, *skill);
    if (!report.status.ok()) {
      report.status =
          grpc::Status(report.status.error_code(),
                       fmt::format("skill {}: {}", skill->code, report.status.error_message()));
      return report;
    }
  }
  report.written = true;
  return report;
}

std::string RenderSkillImportSummary(const SkillImportReport& report, bool dry_run) {
  return fmt::format("skills: {} {}added{}, {} {}changed{}, {} unchanged{}\n", report.added.size(),
                     dry_run ? "would be " : "", CodeList(report.added), report.changed.size(),
                     dry_run ? "would be " : "", CodeList(report.changed), report.unchanged,
                     dry_run ? " (dry run: nothing written)" : "");
}

std::string RenderOutOfRange(const SkillImportReport& report) {
  std::string out =
      "the catalogue narrows the levels of skills that reservists hold outside the new range; "
      "nothing was changed:\n";
  for (const OutOfRangeHolding& h : report.out_of_range) {
    out += fmt::format("  {} (levels {}-{}): {} holds level {}\n", h.skill, h.new_min, h.new_max,
                       h.reservist, h.level);
  }
  if (report.out_of_range_unlisted > 0) {
    out += fmt::format("  ... and {} more\n", report.out_of_range_unlisted);
  }
  out += "change those holdings first, or keep the wider range in the file";
  return out;
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Status::InvalidArgument(
          "file", fmt::format("cannot write {}: {}", temp, std::strerror(errno)));
    }
    out << text;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      return Status::InvalidArgument("file", fmt::format("cannot write {}", temp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::remove(temp.c_str());
    return Status::InvalidArgument("file", fmt::format("cannot write {}: {}", path, ec.message()));
  }
  return {};
}

}  // namespace muster::client
