#include "roster/skill_catalogue_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/text.h"
#include "roster/validate.h"

namespace muster {
namespace {

constexpr std::array<std::string_view, 4> kColumns = {"code", "name", "min_level", "max_level"};

// The message repeats the field ("line 3: name: is required") so that it
// reads whole when printed after the file name.
Status LineError(int64_t line, std::string field, std::string_view message) {
  std::string text = field.empty() ? fmt::format("line {}: {}", line, message)
                                   : fmt::format("line {}: {}: {}", line, field, message);
  return Status::InvalidArgument(std::move(field), std::move(text));
}

// Splits one line into RFC 4180 fields. A record cannot span lines here:
// skill codes and names hold no line breaks (names reject control
// characters). nullopt: a quote is not closed, or is followed by text.
std::optional<std::vector<std::string>> SplitLine(std::string_view line) {
  std::vector<std::string> fields;
  size_t i = 0;
  for (;;) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] != '"') {
          field += line[i];
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
      if (i < line.size() && line[i] != ',') return std::nullopt;
    } else {
      size_t end = line.find(',', i);
      if (end == std::string_view::npos) end = line.size();
      field.assign(line.substr(i, end - i));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return fields;
    ++i;  // the comma
  }
}

// Maps each header cell to its column index in kColumns.
Result<std::array<size_t, 4>> ReadHeader(const std::vector<std::string>& cells, int64_t line) {
  std::array<size_t, 4> position{};
  std::array<bool, 4> seen{};
  std::vector<std::string> unknown;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name(Trim(cells[i]));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto it = std::find(kColumns.begin(), kColumns.end(), name);
    if (it == kColumns.end()) {
      unknown.push_back(fmt::format("\"{}\"", name));
      continue;
    }
    size_t column = static_cast<size_t>(it - kColumns.begin());
    if (seen[column]) return LineError(line, "header", fmt::format("column \"{}\" twice", name));
    seen[column] = true;
    position[column] = i;
  }
  std::vector<std::string> missing;
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (!seen[c]) missing.push_back(fmt::format("\"{}\"", kColumns[c]));
  }
  if (!unknown.empty() || !missing.empty()) {
    std::string message;
    if (!unknown.empty()) message = fmt::format("unknown column(s) {}", fmt::join(unknown, ", "));
    if (!missing.empty()) {
      message += fmt::format("{}missing column(s) {}", message.empty() ? "" : "; ",
                             fmt::join(missing, ", "));
    }
    return LineError(line, "header",
                     message + " (a skill catalogue has code,name,min_level,max_level)");
  }
  return position;
}

Result<int> ParseLevel(std::string_view cell, std::string_view field, int64_t line) {
  cell = Trim(cell);
  int value = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size()) {
    return LineError(line, std::string(field), fmt::format("\"{}\" is not a whole number", cell));
  }
  return value;
}

Result<Skill> ReadSkill(const std::vector<std::string>& cells, const std::array<size_t, 4>& pos,
                        size_t columns, int64_t line) {
  if (cells.size() != columns) {
    return LineError(line, "",
                     fmt::format("{} fields where the header has {}", cells.size(), columns));
  }
  Skill skill;
  skill.code = std::string(Trim(cells[pos[0]]));
  skill.name = cells[pos[1]];
  auto min = ParseLevel(cells[pos[2]], "min_level", line);
  if (!min.ok()) return min.status();
  auto max = ParseLevel(cells[pos[3]], "max_level", line);
  if (!max.ok()) return max.status();
  // 0 would mean "the default" to the daemon; a file states its levels.
  if (*min < 1 || *max < 1) {
    return LineError(line, *min < 1 ? "min_level" : "max_level", "levels start at 1");
  }
  skill.min_level = *min;
  skill.max_level = *max;
  Status valid = NormalizeAndValidateSkill(skill);
  if (!valid.ok()) return LineError(line, valid.field(), valid.message());
  return skill;
}

}  // namespace

Result<std::vector<Skill>> ParseSkillCatalogueCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::optional<std::array<size_t, 4>> header;
  size_t columns = 0;
  std::vector<Skill> skills;
  std::set<std::string, std::less<>> codes;
  int64_t line = 0;
  while (!text.empty()) {
    ++line;
    size_t end = text.find('\n');
    std::string_view record = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (record.ends_with('\r')) record.remove_suffix(1);
    if (record.empty()) continue;
    auto cells = SplitLine(record);
    if (!cells) return LineError(line, "", "a quoted field is not closed properly");
    if (!header) {
      auto read = ReadHeader(*cells, line);
      if (!read.ok()) return read.status();
      header = *read;
      columns = cells->size();
      continue;
    }
    auto skill = ReadSkill(*cells, *header, columns, line);
    if (!skill.ok()) return skill.status();
    if (!codes.insert(skill->code).second) {
      return LineError(line, "code", fmt::format("skill '{}' appears twice", skill->code));
    }
    skills.push_back(std::move(skill).value());
  }
  if (!header) return Status::InvalidArgument("header", "line 1: the file is empty");
  return skills;
}

std::string FormatSkillCatalogueCsv(std::span<const Skill> skills) {
  std::string out = "code,name,min_level,max_level\n";
  for (const Skill& s : skills) {
    out += s.code;
    out += ',';
    if (s.name.find_first_of(",\"\r\n") != std::string::npos || s.name != Trim(s.name)) {
      out += '"';
      for (char c : s.name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    } else {
      out += s.name;
    }
    out += fmt::format(",{},{}\n", s.min_level, s.max_level);
  }
  return out;
}

const std::vector<Skill>& DefaultSkillCatalogue() {
  static const std::vector<Skill> catalogue = [] {
    auto parsed = ParseSkillCatalogueCsv(DefaultSkillCatalogueCsv());
    // The shipped file is checked by tests/daemon/roster; a broken one is a
    // build defect, not a run-time state to recover from.
    if (!parsed.ok()) {
      fmt::print(stderr, "deploy/skills-default.csv: {}\n", parsed.status().ToString());
      std::abort();
    }
    std::vector<Skill> skills = std::move(parsed).value();
    std::sort(skills.begin(), skills.end(),
              [](const Skill& a, const Skill& b) { return a.code < b.code; });
    return skills;
  }();
  return catalogue;
}

}  // namespace muster
