// Text forms of roster values, shared by the CSV format (docs/roster-csv.md)
// and the musterctl flags. Each value has one parser and one formatter, so a
// value printed by `musterctl reservist get` or written to a CSV cell can be
// pasted back into a flag or a cell unchanged.
//
//   channel       KIND:ADDRESS            sms:+447700900123, email:jo@example.org,
//                                         webhook:https://example.org/hook
//   skill         CODE:LEVEL[:EXPIRES[:ISSUER]]
//                                         first_aid:2:2027-03-31:St John
//   availability  DAYS[ HH:MM-HH:MM]      mon 08:00-18:00, mon-fri:09:00-17:00, sat
//   unavailable   FROM[..UNTIL][:REASON]  2026-12-24..2026-12-27:Christmas
//   location      LAT,LON                 51.99,-2.16
//   reference     ID | ext:EXTERNAL_ID    123, ext:GLO-0042
//
// Parsers check syntax only (numbers, dates, times, names of kinds and days);
// the daemon checks meaning (ranges, known skill codes, required fields).
// On error they return Status::InvalidArgument whose field names the part at
// fault ("level", "cert_expires", ...) and whose message quotes the text, e.g.
// field "level", message "\"x\" is not a whole number". Callers prefix the
// field ("skills[1]" -> "skills[1].level").
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "muster/v1/roster.pb.h"

namespace muster::client {

namespace v1 = ::muster::v1;

// --- scalars -------------------------------------------------------------

// A finite decimal number ("51.99", "-2.16", "1e-05"; surrounding spaces and
// a leading '+' are allowed). Error message: "\"abc\" is not a number".
Status ParseNumber(std::string_view text, double* out);
// A whole number in int32 range. Error message: "\"x\" is not a whole number".
Status ParseWholeNumber(std::string_view text, int32_t* out);
// The shortest decimal text that parses back to exactly the same double.
std::string FormatNumber(double value);
void AppendNumber(double value, std::string* out);

// "LAT,LON" -> lat, lon (fields "lat" / "lon" on error).
Status ParseLatLon(std::string_view text, double* lat, double* lon);

// "active" | "suspended" (any case); "" -> RESERVIST_STATUS_UNSPECIFIED.
Status ParseReservistStatus(std::string_view text, v1::ReservistStatus* out);
// "active", "suspended", or "" for UNSPECIFIED.
std::string_view ReservistStatusName(v1::ReservistStatus status);

// "123" -> id 123; "ext:X" -> external_id "X". Anything else is an error.
Result<v1::ReservistRef> ParseReservistRef(std::string_view text);
// Inverse of ParseReservistRef ("123", "ext:X").
std::string FormatReservistRef(const v1::ReservistRef& ref);

// --- list items ----------------------------------------------------------

// KIND:ADDRESS with KIND one of sms, email, webhook (any case). Without a
// known KIND the kind is inferred: "+..." is sms, "...@..." is email,
// "http(s)://..." is webhook. Spaces around the address are dropped.
Status ParseChannel(std::string_view text, v1::ContactChannel* out);
void AppendChannel(const v1::ContactChannel& channel, std::string* out);
// "sms", "email", "webhook", or "" for KIND_UNSPECIFIED.
std::string_view ChannelKindName(v1::ContactChannel::Kind kind);

// CODE:LEVEL[:EXPIRES[:ISSUER]]. EXPIRES is YYYY-MM-DD or empty; ISSUER is
// the rest of the text, verbatim (it may contain ':').
Status ParseSkillHolding(std::string_view text, v1::SkillHolding* out);
// Canonical form: "code:level", "code:level:expires", "code:level::issuer"
// or "code:level:expires:issuer".
void AppendSkillHolding(const v1::SkillHolding& holding, std::string* out);

// DAYS[ HH:MM-HH:MM] where DAYS is a day (mon..sun or monday..sunday, any
// case) or a range "mon-fri" (wrapping past sunday is allowed: "fri-mon"),
// separated from the times by spaces or one ':'. Without times the window is
// the whole day, 00:00-24:00. Appends one window per day.
Status ParseWeeklyWindows(std::string_view text,
                          google::protobuf::RepeatedPtrField<v1::WeeklyWindow>* out);
// Canonical form: "mon 08:00-18:00".
void AppendWeeklyWindow(const v1::WeeklyWindow& window, std::string* out);
// "mon".."sun", or "" for WEEKDAY_UNSPECIFIED.
std::string_view WeekdayName(v1::Weekday day);

// FROM[..UNTIL][:REASON], dates YYYY-MM-DD; without UNTIL the period is the
// single day FROM. REASON is the rest of the text, verbatim.
Status ParseUnavailability(std::string_view text, v1::Unavailability* out);
// Canonical form: "from..until" or "from..until:reason".
void AppendUnavailability(const v1::Unavailability& period, std::string* out);

// Convenience wrappers returning the formatted text.
std::string FormatChannel(const v1::ContactChannel& channel);
std::string FormatSkillHolding(const v1::SkillHolding& holding);
std::string FormatWeeklyWindow(const v1::WeeklyWindow& window);
std::string FormatUnavailability(const v1::Unavailability& period);

// --- list cells ----------------------------------------------------------

// A list cell packs items separated by ';'. A backslash makes the next
// character literal (\; is ';', \\ is a backslash). Spaces and tabs around
// each item are dropped unless escaped (\ followed by a space); empty items are skipped. A trailing
// lone backslash is an error (field empty, message "ends with a lone
// backslash"). Usage:
//   ListItemReader items(cell);
//   for (std::string_view item; items.Next(&item);) { ... }
//   if (!items.status().ok()) { ... }
// Not thread-safe; cheap to construct (no allocation unless the cell has
// backslashes).
class ListItemReader {
 public:
  explicit ListItemReader(std::string_view cell) : cell_(cell) {}
  // Sets *item to the next item (valid until the next call) and returns true;
  // false at the end of the cell or on error.
  bool Next(std::string_view* item);
  // Items returned so far.
  int count() const { return count_; }
  const Status& status() const { return status_; }

 private:
  bool NextEscaped(std::string_view* item);

  std::string_view cell_;
  size_t pos_ = 0;
  int count_ = 0;
  std::string scratch_;
  Status status_;
};

// Appends one item, escaped so that ForEachListItem yields it back exactly.
// The caller writes the ';' separators.
void AppendListItem(std::string_view item, std::string* out);

}  // namespace muster::client
