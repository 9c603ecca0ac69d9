// An iCalendar (RFC 5545) invitation for a reservist who accepted a
// call-out: one VEVENT with the activation's start, end and place, to attach
// to or link from the confirmation. Pure; thread-safe.
//
// VCALENDAR (VERSION 2.0, METHOD PUBLISH) holding a VEVENT with:
// - UID "muster-a<activation id>-c<call-out id>@<uid_domain>": stable per
//   call-out, so a later copy (the activation stood down) replaces the first
//   in the reservist's calendar;
// - SEQUENCE: the number of state changes after the first (it only grows);
// - DTSTAMP (`stamp_unix`), DTSTART, DTEND: UTC ("...Z");
// - SUMMARY: the title; DESCRIPTION: the message and the skill asked for;
// - LOCATION: `place` if given, else "lat, lon"; GEO: lat;lon;
// - STATUS: CONFIRMED, or CANCELLED once the activation is stood down or
//   cancelled, or the call-out released.
// Text values are escaped (\\ \; \, \n) and other control characters become
// spaces; lines end in CRLF and are folded at 75 octets (never inside a
// UTF-8 character), continuation lines starting with one space.
#pragma once

#include <cstdint>
#include <string>

#include "activation/activation.h"
#include "core/status.h"

namespace muster {

struct CalendarInviteOptions {
  std::string uid_domain = "muster.invalid";  // the right-hand side of UIDs
  std::string place;                          // "" = the incident's coordinates
  int64_t stamp_unix = 0;                     // DTSTAMP: when this copy is made
};

// NotFound if the activation has no call-out `callout_id`;
// FailedPrecondition if that call-out was never accepted (a released one,
// stood down after accepting, gets a CANCELLED copy).
Result<std::string> CalloutCalendarInvite(const Activation& activation, int64_t callout_id,
                                          const CalendarInviteOptions& options);

// RFC 5545 TEXT escaping of a value (exposed for tests).
std::string EscapeIcalText(const std::string& text);
// Folds one unfolded content line (without its CRLF) into CRLF-separated
// lines of at most 75 octets, and ends it with CRLF.
std::string FoldIcalLine(const std::string& line);

}  // namespace muster
