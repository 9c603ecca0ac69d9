#include "roster_fields.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/civil_time.h"
#include "core/text.h"
#include "roster/model.h"

namespace muster::client {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Splits at the first `sep`: head before it, *rest after it. Returns false
// (and sets head to all of text) when there is no separator.
bool SplitFirst(std::string_view text, char sep, std::string_view* head, std::string_view* rest) {
  size_t at = text.find(sep);
  if (at == std::string_view::npos) {
    *head = text;
    *rest = {};
    return false;
  }
  *head = text.substr(0, at);
  *rest = text.substr(at + 1);
  return true;
}

Status Invalid(std::string_view field, std::string message) {
  return Status::InvalidArgument(std::string(field), std::move(message));
}

Status CheckDate(std::string_view field, std::string_view text) {
  if (!ParseDate(text)) {
    return Invalid(field, fmt::format("\"{}\" is not a date (expected YYYY-MM-DD)", text));
  }
  return Status::Ok();
}

constexpr std::array<std::string_view, 8> kDayNames = {"",    "mon", "tue", "wed",
                                                       "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 8> kLongDayNames = {
    "", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

int ParseDayName(std::string_view text) {
  for (int d = 1; d <= 7; ++d) {
    if (EqualsIgnoreCase(text, kDayNames[d]) || EqualsIgnoreCase(text, kLongDayNames[d])) {
      return d;
    }
  }
  return 0;
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

// --- scalars -------------------------------------------------------------

Status ParseNumber(std::string_view text, double* out) {
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    return Invalid("", fmt::format("\"{}\" is not a number", text));
  }
  *out = value;
  return Status::Ok();
}

Status ParseWholeNumber(std::string_view text, int32_t* out) {
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int32_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return Invalid("", fmt::format("\"{}\" is not a whole number", text));
  }
  *out = value;
  return Status::Ok();
}

void AppendNumber(double value, std::string* out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, ec == std::errc() ? end : buf);
}

std::string FormatNumber(double value) {
  std::string s;
  AppendNumber(value, &s);
  return s;
}

Status ParseLatLon(std::string_view text, double* lat, double* lon) {
  std::string_view lat_text, lon_text;
  if (!SplitFirst(text, ',', &lat_text, &lon_text)) {
    return Invalid("", fmt::format("\"{}\" is not LAT,LON (e.g. 51.99,-2.16)", text));
  }
  MUSTER_RETURN_IF_ERROR(ParseNumber(lat_text, lat).WithFieldPrefix("lat"));
  return ParseNumber(lon_text, lon).WithFieldPrefix("lon");
}

Status ParseReservistStatus(std::string_view text, v1::ReservistStatus* out) {
  std::string_view t = Trim(text);
  if (t.empty()) {
    *out = v1::RESERVIST_STATUS_UNSPECIFIED;
  } else if (EqualsIgnoreCase(t, "active")) {
    *out = v1::ACTIVE;
  } else if (EqualsIgnoreCase(t, "suspended")) {
    *out = v1::SUSPENDED;
  } else {
    return Invalid("", fmt::format("\"{}\" is not a status (expected active or suspended)", text));
  }
  return Status::Ok();
}

std::string_view ReservistStatusName(v1::ReservistStatus status) {
  switch (status) {
    case v1::ACTIVE:
      return "active";
    case v1::SUSPENDED:
      return "suspended";
    default:
      return "";
  }
}

Result<v1::ReservistRef> ParseReservistRef(std::string_view text) {
  v1::ReservistRef ref;
  if (text.size() > 4 && text.substr(0, 4) == "ext:") {
    ref.set_external_id(std::string(text.substr(4)));
    return ref;
  }
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Invalid("", fmt::format("\"{}\" is not a reservist reference (expected a numeric id "
                                   "or ext:EXTERNAL_ID)",
                                   text));
  }
  ref.set_id(id);
  return ref;
}

std::string FormatReservistRef(const v1::ReservistRef& ref) {
  if (ref.ref_case() == v1::ReservistRef::kExternalId) return "ext:" + ref.external_id();
  return std::to_string(ref.id());
}

// --- channels ------------------------------------------------------------

std::string_view ChannelKindName(v1::ContactChannel::Kind kind) {
  // The proto's numbers are the model's (roster/model.h).
  auto model_kind = ChannelKindFromNumber(static_cast<int>(kind));
  return model_kind ? muster::ChannelKindName(*model_kind) : "";
}

namespace {

v1::ContactChannel::Kind ParseChannelKind(std::string_view text) {
  for (const ChannelKindInfo& k : kChannelKinds) {
    if (EqualsIgnoreCase(text, k.name)) return static_cast<v1::ContactChannel::Kind>(k.kind);
  }
  return v1::ContactChannel::KIND_UNSPECIFIED;
}

// The kind an address without a KIND: prefix implies, or KIND_UNSPECIFIED.
v1::ContactChannel::Kind InferChannelKind(std::string_view address) {
  if (!address.empty() && address.front() == '+') return v1::ContactChannel::SMS;
  if (address.starts_with("http://") || address.starts_with("https://")) {
    return v1::ContactChannel::WEBHOOK;
  }
  if (address.find('@') != std::string_view::npos && address.find(':') == std::string_view::npos) {
    return v1::ContactChannel::EMAIL;
  }
  return v1::ContactChannel::KIND_UNSPECIFIED;
}

}  // namespace

Status ParseChannel(std::string_view text, v1::ContactChannel* out) {
  std::string_view kind_text, address;
  v1::ContactChannel::Kind kind = v1::ContactChannel::KIND_UNSPECIFIED;
  if (SplitFirst(text, ':', &kind_text, &address)) kind = ParseChannelKind(Trim(kind_text));
  if (kind == v1::ContactChannel::KIND_UNSPECIFIED) {
    address = Trim(text);
    kind = InferChannelKind(address);
    if (kind == v1::ContactChannel::KIND_UNSPECIFIED) {
      return Invalid("kind",
                     fmt::format("\"{}\" does not start with sms:, email: or webhook:", text));
    }
  }
  address = Trim(address);
  if (address.empty()) return Invalid("address", fmt::format("\"{}\" has no address", text));
  out->set_kind(kind);
  out->set_address(address.data(), address.size());
  return Status::Ok();
}

void AppendChannel(const v1::ContactChannel& channel, std::string* out) {
  out->append(ChannelKindName(channel.kind()));
  out->push_back(':');
  out->append(channel.address());
}

// --- skills --------------------------------------------------------------

Status ParseSkillHolding(std::string_view text, v1::SkillHolding* out) {
  std::string_view code, rest, level_text, expires, issuer;
  if (!SplitFirst(text, ':', &code, &rest)) {
    return Invalid("level", fmt::format("\"{}\" has no level (expected CODE:LEVEL)", text));
  }
  code = Trim(code);
  if (code.empty()) return Invalid("skill", fmt::format("\"{}\" has no skill code", text));
  bool has_expiry = SplitFirst(rest, ':', &level_text, &rest);
  int32_t level = 0;
  MUSTER_RETURN_IF_ERROR(ParseWholeNumber(level_text, &level).WithFieldPrefix("level"));
  if (has_expiry) {
    SplitFirst(rest, ':', &expires, &issuer);
    expires = Trim(expires);
    if (!expires.empty()) MUSTER_RETURN_IF_ERROR(CheckDate("cert_expires", expires));
  }
  out->set_skill(code.data(), code.size());
  out->set_level(level);
  out->set_cert_expires(expires.data(), expires.size());
  out->set_cert_issuer(issuer.data(), issuer.size());
  return Status::Ok();
}

void AppendSkillHolding(const v1::SkillHolding& holding, std::string* out) {
  out->append(holding.skill());
  out->push_back(':');
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, holding.level());
  out->append(buf, end);
  if (!holding.cert_expires().empty() || !holding.cert_issuer().empty()) {
    out->push_back(':');
    out->append(holding.cert_expires());
  }
  if (!holding.cert_issuer().empty()) {
    out->push_back(':');
    out->append(holding.cert_issuer());
  }
}

// --- weekly windows ------------------------------------------------------

std::string_view WeekdayName(v1::Weekday day) {
  int d = static_cast<int>(day);
  return d >= 1 && d <= 7 ? kDayNames[d] : std::string_view();
}

namespace {

// Parses "HH:MM-HH:MM" into start and end.
Status ParseTimeRange(std::string_view text, std::string_view* start, std::string_view* end) {
  std::string_view t = Trim(text);
  if (!SplitFirst(t, '-', start, end)) {
    return Invalid("start", fmt::format("\"{}\" is not a time range HH:MM-HH:MM", t));
  }
  *start = Trim(*start);
  *end = Trim(*end);
  if (!ParseTimeOfDay(*start)) {
    return Invalid("start", fmt::format("\"{}\" is not a time HH:MM", *start));
  }
  if (!ParseTimeOfDay(*end, /*allow_24=*/true)) {
    return Invalid("end", fmt::format("\"{}\" is not a time HH:MM", *end));
  }
  return Status::Ok();
}

// Parses the DAYS part ("mon" or "mon-fri") into first and last day (1..7).
Status ParseDayRange(std::string_view text, int* first, int* last) {
  std::string_view a, b;
  bool range = SplitFirst(text, '-', &a, &b);
  *first = ParseDayName(a);
  *last = range ? ParseDayName(b) : *first;
  if (*first == 0 || *last == 0) {
    return Invalid("day",
                   fmt::format("\"{}\" is not a day or day range (e.g. mon, mon-fri)", text));
  }
  return Status::Ok();
}

}  // namespace

Status ParseWeeklyWindows(std::string_view text,
                          google::protobuf::RepeatedPtrField<v1::WeeklyWindow>* out) {
  std::string_view t = Trim(text);
  // DAYS is letters and at most one '-' between letters.
  size_t i = 0;
  while (i < t.size() &&
         (IsLetter(t[i]) || (t[i] == '-' && i + 1 < t.size() && IsLetter(t[i + 1])))) {
    ++i;
  }
  int first = 0, last = 0;
  MUSTER_RETURN_IF_ERROR(ParseDayRange(t.substr(0, i), &first, &last));
  std::string_view times = t.substr(i);
  if (!times.empty() && times.front() == ':') {
    times.remove_prefix(1);
  } else if (!times.empty() && !IsBlank(times.front())) {
    return Invalid("day",
                   fmt::format("\"{}\" is not DAYS HH:MM-HH:MM (e.g. mon 08:00-18:00)", text));
  }
  std::string_view start = "00:00", end = "24:00";
  if (!Trim(times).empty()) MUSTER_RETURN_IF_ERROR(ParseTimeRange(times, &start, &end));
  for (int d = first;; d = d % 7 + 1) {
    v1::WeeklyWindow* w = out->Add();
    w->set_day(static_cast<v1::Weekday>(d));
    w->set_start(start.data(), start.size());
    w->set_end(end.data(), end.size());
    if (d == last) break;
  }
  return Status::Ok();
}

void AppendWeeklyWindow(const v1::WeeklyWindow& window, std::string* out) {
  out->append(WeekdayName(window.day()));
  out->push_back(' ');
  out->append(window.start());
  out->push_back('-');
  out->append(window.end());
}

// --- unavailability ------------------------------------------------------

Status ParseUnavailability(std::string_view text, v1::Unavailability* out) {
  std::string_view dates, reason;
  SplitFirst(text, ':', &dates, &reason);
  dates = Trim(dates);
  std::string_view from = dates, until = dates;
  if (size_t dots = dates.find(".."); dots != std::string_view::npos) {
    from = Trim(dates.substr(0, dots));
    until = Trim(dates.substr(dots + 2));
  }
  MUSTER_RETURN_IF_ERROR(CheckDate("from", from));
  MUSTER_RETURN_IF_ERROR(CheckDate("until", until));
  out->set_from(from.data(), from.size());
  out->set_until(until.data(), until.size());
  out->set_reason(reason.data(), reason.size());
  return Status::Ok();
}

void AppendUnavailability(const v1::Unavailability& period, std::string* out) {
  out->append(period.from());
  out->append("..");
  out->append(period.until());
  if (!period.reason().empty()) {
    out->push_back(':');
    out->append(period.reason());
  }
}

std::string FormatChannel(const v1::ContactChannel& channel) {
  std::string s;
  AppendChannel(channel, &s);
  return s;
}

std::string FormatSkillHolding(const v1::SkillHolding& holding) {
  std::string s;
  AppendSkillHolding(holding, &s);
  return s;
}

std::string FormatWeeklyWindow(const v1::WeeklyWindow& window) {
  std::string s;
  AppendWeeklyWindow(window, &s);
  return s;
}

std::string FormatUnavailability(const v1::Unavailability& period) {
  std::string s;
  AppendUnavailability(period, &s);
  return s;
}

// --- list cells ----------------------------------------------------------

bool ListItemReader::Next(std::string_view* item) {
  while (pos_ < cell_.size()) {
    size_t end = cell_.find(';', pos_);
    if (end == std::string_view::npos) end = cell_.size();
    std::string_view raw = cell_.substr(pos_, end - pos_);
    if (raw.find('\\') != std::string_view::npos) return NextEscaped(item);
    pos_ = end + 1;
    raw = Trim(raw);
    if (raw.empty()) continue;
    *item = raw;
    ++count_;
    return true;
  }
  return false;
}

// Slow path for an item with backslashes: unescape into scratch_, trimming
// only unescaped blanks.
bool ListItemReader::NextEscaped(std::string_view* item) {
  scratch_.clear();
  size_t keep = 0;  // scratch_ length up to the last significant character
  while (pos_ < cell_.size() && cell_[pos_] != ';') {
    char c = cell_[pos_++];
    if (c == '\\') {
      if (pos_ == cell_.size()) {
        status_ = Invalid("", "ends with a lone backslash");
        return false;
      }
      scratch_.push_back(cell_[pos_++]);
      keep = scratch_.size();
    } else if (IsBlank(c) && keep == 0 && scratch_.empty()) {
      continue;  // leading blank
    } else {
      scratch_.push_back(c);
      if (!IsBlank(c)) keep = scratch_.size();
    }
  }
  ++pos_;  // past the ';' (or the end)
  scratch_.resize(keep);
  if (scratch_.empty()) return Next(item);
  *item = scratch_;
  ++count_;
  return true;
}

void AppendListItem(std::string_view item, std::string* out) {
  size_t n = item.size();
  for (size_t i = 0; i < n; ++i) {
    char c = item[i];
    bool edge_blank = IsBlank(c) && (i == 0 || i == n - 1);
    if (c == ';' || c == '\\' || edge_blank) out->push_back('\\');
    out->push_back(c);
  }
}

}  // namespace muster::client
