#include "interop/calendar_invite.h"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "interop_test_support.h"

using namespace muster;

namespace {

// A small RFC 5545 reader: checks the line ends and lengths, unfolds, and
// returns the properties of the VEVENT (name -> raw value).
std::multimap<std::string, std::string> ReadEvent(const std::string& ics) {
  REQUIRE(ics.size() >= 2);
  REQUIRE(ics.substr(ics.size() - 2) == "\r\n");
  std::vector<std::string> physical;
  size_t pos = 0;
  while (pos < ics.size()) {
    const size_t end = ics.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    physical.push_back(ics.substr(pos, end - pos));
    pos = end + 2;
  }
  std::vector<std::string> lines;
  for (const std::string& l : physical) {
    INFO(l);
    CHECK(l.size() <= 75);
    CHECK(l.find('\n') == std::string::npos);
    CHECK(l.find('\r') == std::string::npos);
    // Never folded inside a UTF-8 character: no line starts with a
    // continuation byte after its fold space.
    if (l.size() > 1 && l[0] == ' ') CHECK((static_cast<unsigned char>(l[1]) & 0xC0) != 0x80);
    if (!l.empty() && l[0] == ' ') {
      REQUIRE_FALSE(lines.empty());
      lines.back() += l.substr(1);
    } else {
      lines.push_back(l);
    }
  }
  REQUIRE(lines.front() == "BEGIN:VCALENDAR");
  REQUIRE(lines.back() == "END:VCALENDAR");
  std::multimap<std::string, std::string> props;
  bool in_event = false;
  for (const std::string& l : lines) {
    if (l == "BEGIN:VEVENT") in_event = true;
    if (l == "END:VEVENT") in_event = false;
    const size_t colon = l.find(':');
    REQUIRE(colon != std::string::npos);
    if (in_event) props.emplace(l.substr(0, colon), l.substr(colon + 1));
  }
  return props;
}

std::string Unescape(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[++i];
      out += (n == 'n' || n == 'N') ? '\n' : n;
    } else {
      out += v[i];
    }
  }
  return out;
}

std::string One(const std::multimap<std::string, std::string>& p, const std::string& name) {
  REQUIRE(p.count(name) == 1);
  return p.find(name)->second;
}

CalendarInviteOptions Options() {
  CalendarInviteOptions o;
  o.uid_domain = "muster.example.org";
  o.stamp_unix = *ParseInstant("2026-12-07T08:20:00Z");
  return o;
}

}  // namespace

TEST_CASE("an accepted reservist's invitation has the event's times, place and summary", "[ics]") {
  const Activation a = testing::FloodActivation();
  auto ics = CalloutCalendarInvite(a, 7, Options());
  REQUIRE(ics.ok());
  const auto p = ReadEvent(*ics);
  CHECK(One(p, "UID") == "muster-a42-c7@muster.example.org");
  CHECK(One(p, "DTSTAMP") == "20261207T082000Z");
  CHECK(One(p, "DTSTART") == "20261207T090000Z");
  CHECK(One(p, "DTEND") == "20261207T150000Z");
  CHECK(Unescape(One(p, "SUMMARY")) == "Flood: Frankwell, Shrewsbury");
  CHECK(One(p, "SUMMARY") == "Flood: Frankwell\\, Shrewsbury");
  CHECK(Unescape(One(p, "LOCATION")) == "52.70930, -2.76010");
  CHECK(One(p, "GEO") == "52.709300;-2.760100");
  CHECK(Unescape(One(p, "DESCRIPTION")) ==
        "Boat crews to Frankwell car park.\n\nAsked as: boat-crew");
  CHECK(One(p, "STATUS") == "CONFIRMED");
  CHECK(One(p, "SEQUENCE") == "0");
  CHECK(ics->find("Ann Jones") == std::string::npos);
}

TEST_CASE("the UID is stable per call-out, the SEQUENCE grows and a stand-down cancels", "[ics]") {
  Activation a = testing::FloodActivation();
  const auto first = ReadEvent(*CalloutCalendarInvite(a, 7, Options()));
  CHECK(One(ReadEvent(*CalloutCalendarInvite(a, 9, Options())), "UID") ==
        "muster-a42-c9@muster.example.org");
  a.state = ActivationState::kStoodDown;
  a.history.push_back({ActivationState::kStoodDown, 2'000, "water receding"});
  const auto later = ReadEvent(*CalloutCalendarInvite(a, 7, Options()));
  CHECK(One(later, "UID") == One(first, "UID"));
  CHECK(One(later, "SEQUENCE") == "1");
  CHECK(One(later, "STATUS") == "CANCELLED");
  // A released call-out (stood down after accepting) is cancelled too.
  a = testing::FloodActivation();
  a.callouts[0].state = CalloutState::kStoodDown;
  CHECK(One(ReadEvent(*CalloutCalendarInvite(a, 7, Options())), "STATUS") == "CANCELLED");
}

TEST_CASE("only an accepted call-out gets an invitation", "[ics]") {
  const Activation a = testing::FloodActivation();
  auto declined = CalloutCalendarInvite(a, 8, Options());
  REQUIRE_FALSE(declined.ok());
  CHECK(declined.status().code() == Code::kFailedPrecondition);
  CHECK(declined.status().message() ==
        "call-out 8 is declined: an invitation is only for an accepted call-out");
  auto unknown = CalloutCalendarInvite(a, 99, Options());
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Code::kNotFound);
  CHECK(unknown.status().message() == "activation 42 has no call-out 99");
}

TEST_CASE("text is escaped and long lines are folded at 75 octets, not inside a character",
          "[ics]") {
  Activation a = testing::FloodActivation();
  // Commas, semicolons, backslashes, CRLF/LF newlines, a control character,
  // and two-, three- and four-byte UTF-8 in a title far over 75 octets.
  a.spec.title = "Llifogydd; Afon Hafren, Amwythig \\ ŵ ŷ — 🌊\r\nline two\nline three\x01 end " +
                 std::string(40, 'x') + std::string(30, 'w') + "ŵŵŵŵŵŵŵŵŵŵ🌊🌊🌊🌊🌊";
  CalendarInviteOptions o = Options();
  o.place = "Frankwell car park, Shrewsbury; SY3 8HQ";
  const std::string ics = *CalloutCalendarInvite(a, 7, o);
  const auto p = ReadEvent(ics);  // checks every line <= 75 octets, no split character
  std::string expected = a.spec.title;
  expected.replace(expected.find("\r\n"), 2, "\n");
  expected.replace(expected.find('\x01'), 1, " ");
  CHECK(Unescape(One(p, "SUMMARY")) == expected);
  CHECK(Unescape(One(p, "LOCATION")) == "Frankwell car park, Shrewsbury; SY3 8HQ");
  CHECK(One(p, "LOCATION") == "Frankwell car park\\, Shrewsbury\\; SY3 8HQ");
  CHECK(ics.find("SUMMARY:Llifogydd\\; Afon Hafren\\, Amwythig \\\\ ") != std::string::npos);
}

TEST_CASE("folding: exactly 75 octets stay on one line, 76 fold", "[ics]") {
  const std::string l75(75, 'a');
  CHECK(FoldIcalLine(l75) == l75 + "\r\n");
  CHECK(FoldIcalLine(l75 + "b") == l75 + "\r\n b\r\n");
  // 74 ASCII then a 2-byte character: it moves whole to the next line.
  const std::string l74(74, 'a');
  CHECK(FoldIcalLine(l74 + "ŵ") == l74 + "\r\n ŵ\r\n");
  // Continuations hold 74 octets after their space.
  CHECK(FoldIcalLine(std::string(75 + 74 + 1, 'c')) ==
        std::string(75, 'c') + "\r\n " + std::string(74, 'c') + "\r\n c\r\n");
  CHECK(EscapeIcalText("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng");
}

TEST_CASE("folding text that is not UTF-8 still ends and keeps every line within 75 octets",
          "[ics]") {
  const std::string junk(200, '\x80');
  const std::string folded = FoldIcalLine("SUMMARY:" + junk);
  size_t start = 0, lines = 0, payload = 0;
  while (start < folded.size()) {
    const size_t end = folded.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 75);
    payload += end - start - (lines > 0 ? 1 : 0);
    ++lines;
    start = end + 2;
  }
  CHECK(lines >= 3);
  CHECK(payload == 8 + junk.size());
}
