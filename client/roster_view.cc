#include "roster_view.h"

#include <fmt/format.h>

#include "core/civil_time.h"
#include "output.h"
#include "roster_fields.h"
#include "roster_import.h"

namespace muster::client {

std::string SkillsSummary(const v1::Reservist& reservist) {
  std::string out;
  for (const v1::SkillHolding& skill : reservist.skills()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", skill.skill(), skill.level());
  }
  return out.empty() ? "-" : out;
}

namespace {

std::string ChannelsSummary(const v1::Reservist& reservist) {
  if (reservist.channels().empty()) return "0";
  return fmt::format("{} {}", reservist.channels_size(),
                     ChannelKindName(reservist.channels(0).kind()));
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

template <typename Message, typename Format>
std::vector<std::string> Items(const google::protobuf::RepeatedPtrField<Message>& list,
                               Format format) {
  std::vector<std::string> out;
  for (const Message& m : list) out.push_back(format(m));
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 ? "-" : FormatInstant(t.seconds());
}

}  // namespace

std::string RenderReservistTable(
    const google::protobuf::RepeatedPtrField<v1::Reservist>& reservists) {
  Table table({{"ID", Align::kRight},
               {"EXTERNAL ID", Align::kLeft, 20},
               {"NAME", Align::kLeft, 30},
               {"AREA", Align::kLeft, 20},
               {"STATUS"},
               {"SKILLS", Align::kLeft, 40},
               {"CHANNELS"}});
  for (const v1::Reservist& r : reservists) {
    table.AddRow({std::to_string(r.id()), OrDash(r.external_id()), r.name(), r.home_area(),
                  std::string(OrDash(std::string(ReservistStatusName(r.status())))),
                  SkillsSummary(r), ChannelsSummary(r)});
  }
  return table.Render();
}

std::string RenderReservistDetails(const v1::Reservist& r) {
  std::vector<std::string> available = Items(r.availability(), FormatWeeklyWindow);
  if (available.empty()) available.push_back("any time");
  std::vector<DetailRow> rows = {
      {"id", {std::to_string(r.id())}},
      {"external id", {OrDash(r.external_id())}},
      {"name", {r.name()}},
      {"status", {OrDash(std::string(ReservistStatusName(r.status())))}},
      {"area", {r.home_area()}},
      {"at", {FormatNumber(r.lat()) + "," + FormatNumber(r.lon())}},
      {"postcode", {OrDash(r.postcode())}},
      {"max travel", {FormatNumber(r.max_travel_km()) + " km"}},
      {"channels", Items(r.channels(), FormatChannel)},
      {"skills", Items(r.skills(), FormatSkillHolding)},
      {"available", available},
      {"unavailable", Items(r.unavailable(), FormatUnavailability)},
      {"created", {FormatTimestamp(r.created_at())}},
      {"updated", {FormatTimestamp(r.updated_at())}},
  };
  return RenderDetails(rows);
}

std::string RenderSkillTable(const v1::ListSkillsResponse& response) {
  Table table({{"CODE"}, {"NAME", Align::kLeft, 40}, {"LEVELS"}, {"HOLDERS", Align::kRight}});
  for (int i = 0; i < response.skills_size(); ++i) {
    const v1::Skill& skill = response.skills(i);
    int64_t holders = i < response.holders_size() ? response.holders(i) : 0;
    table.AddRow({skill.code(), skill.name(),
                  fmt::format("{}-{}", skill.min_level(), skill.max_level()),
                  std::to_string(holders)});
  }
  return table.Render();
}

std::string FormatRowError(const v1::RowError& error) {
  if (error.field().empty()) return fmt::format("line {}: {}", error.line(), error.message());
  return fmt::format("line {}: {}: {}", error.line(), error.field(), error.message());
}

std::string RenderImportSummary(const v1::ImportSummary& summary, bool dry_run) {
  // Errors first and the counts last, so that after thousands of error lines
  // the counts are still on the screen.
  std::string out;
  if (auto unknown = OnlyUnknownSkills(summary)) {
    // One explanation instead of a line per row that says the same.
    out += RenderUnknownSkills(*unknown);
  } else {
    if (!summary.errors().empty()) out += "errors:\n";
    for (const v1::RowError& error : summary.errors()) {
      out += CellText(FormatRowError(error)) + "\n";
    }
    if (summary.rejected() > summary.errors_size()) {
      out +=
          fmt::format("... and {} more not listed\n", summary.rejected() - summary.errors_size());
    }
  }
  std::string committed = summary.committed() ? "yes"
                          : dry_run           ? "no (dry run)"
                                              : "no (rows were rejected)";
  std::vector<DetailRow> rows = {
      {"received", {std::to_string(summary.received())}},
      {"created", {std::to_string(summary.created())}},
      {"updated", {std::to_string(summary.updated())}},
      {"rejected", {std::to_string(summary.rejected())}},
      {"committed", {committed}},
  };
  return out + RenderDetails(rows);
}

}  // namespace muster::client
