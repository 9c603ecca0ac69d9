#include "interop/calendar_invite.h"

#include <fmt/format.h>

#include "core/civil_time.h"

namespace muster {

namespace {

// "YYYYMMDDTHHMMSSZ".
std::string IcalUtc(int64_t unix_seconds) {
  std::string iso = FormatInstant(unix_seconds);  // YYYY-MM-DDTHH:MM:SSZ
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

bool IsContinuationByte(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

}  // namespace

std::string EscapeIcalText(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Controls other than HTAB are not allowed in TEXT.
        out += (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f ? ' ' : c;
    }
  }
  return out;
}

std::string FoldIcalLine(const std::string& line) {
  std::string out;
  size_t pos = 0;
  size_t limit = 75;  // the first line; continuations carry a leading space
  while (line.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && IsContinuationByte(static_cast<unsigned char>(line[cut]))) --cut;
    // Not UTF-8 (a run of continuation bytes): cut at the limit, always
    // moving on.
    if (cut == pos) cut = pos + limit;
    out.append(line, pos, cut - pos);
    out += "\r\n ";
    pos = cut;
    limit = 74;
  }
  out.append(line, pos, std::string::npos);
  out += "\r\n";
  return out;
}

Result<std::string> CalloutCalendarInvite(const Activation& a, int64_t callout_id,
                                          const CalendarInviteOptions& o) {
  const Callout* callout = nullptr;
  for (const Callout& c : a.callouts) {
    if (c.id == callout_id) callout = &c;
  }
  if (callout == nullptr) {
    return Status::NotFound(fmt::format("activation {} has no call-out {}", a.id, callout_id));
  }
  // A released call-out (stood down) may have been accepted; anything
  // else never was.
  if (callout->state != CalloutState::kAccepted && callout->state != CalloutState::kStoodDown) {
    return Status::FailedPrecondition(
        fmt::format("call-out {} is {}: an invitation is only for an accepted call-out", callout_id,
                    CalloutStateName(callout->state)));
  }
  const bool cancelled = callout->state == CalloutState::kStoodDown ||
                         a.state == ActivationState::kStoodDown ||
                         a.state == ActivationState::kCancelled;
  const std::string place =
      o.place.empty() ? fmt::format("{:.5f}, {:.5f}", a.spec.lat, a.spec.lon) : o.place;
  std::string description = a.spec.message;
  if (!callout->candidate.skill.empty()) {
    description +=
        (description.empty() ? "" : "\n\n") + fmt::format("Asked as: {}", callout->candidate.skill);
  }
  const int sequence = a.history.empty() ? 0 : static_cast<int>(a.history.size()) - 1;

  std::string out;
  for (const std::string& line : {
           std::string("BEGIN:VCALENDAR"),
           std::string("VERSION:2.0"),
           std::string("PRODID:-//Muster//musterd//EN"),
           std::string("CALSCALE:GREGORIAN"),
           std::string("METHOD:PUBLISH"),
           std::string("BEGIN:VEVENT"),
           fmt::format("UID:muster-a{}-c{}@{}", a.id, callout_id, o.uid_domain),
           fmt::format("SEQUENCE:{}", sequence),
           "DTSTAMP:" + IcalUtc(o.stamp_unix),
           "DTSTART:" + IcalUtc(a.spec.start_unix),
           "DTEND:" + IcalUtc(a.spec.end_unix()),
           "SUMMARY:" + EscapeIcalText(a.spec.title),
           "DESCRIPTION:" + EscapeIcalText(description),
           "LOCATION:" + EscapeIcalText(place),
           fmt::format("GEO:{:.6f};{:.6f}", a.spec.lat, a.spec.lon),
           std::string(cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED"),
           std::string("TRANSP:OPAQUE"),
           std::string("END:VEVENT"),
           std::string("END:VCALENDAR"),
       }) {
    out += FoldIcalLine(line);
  }
  return out;
}

}  // namespace muster
