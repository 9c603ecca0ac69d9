#include "alerts/alert_rules.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "alerts/cap_parser.h"
#include "core/civil_time.h"

using namespace muster;

namespace {

CapAlert Corpus(const std::string& name) {
  std::ifstream in(std::string(MUSTER_SOURCE_DIR) + "/tests/data/cap/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  auto a = ParseCapAlert(out.str());
  REQUIRE(a.ok());
  return std::move(a).value();
}

std::vector<AlertRule> Rules(const std::string& toml_text) {
  const toml::table t = toml::parse(toml_text);
  auto rules = ParseAlertRules(*t.get("rules"));
  INFO(rules.status().ToString());
  REQUIRE(rules.ok());
  return std::move(rules).value();
}

std::string RuleError(const std::string& toml_text) {
  const toml::table t = toml::parse(toml_text);
  auto rules = ParseAlertRules(*t.get("rules"));
  REQUIRE_FALSE(rules.ok());
  return rules.status().ToString();
}

const char* kFloodRule = R"(
[[rules]]
name = "severn-floods"
senders = ["www.gov.uk/environment-agency"]
event = "flood warning*"
categories = ["Met", "Geo"]
min_urgency = "Expected"
min_severity = "Severe"
min_certainty = "Likely"
target_area_codes = ["031WAF*"]
requirements = [ { skill = "boat-crew", min_level = 2, count = 4 }, { skill = "first-aid", count = 2 } ]
buffer_km = 5.0
answer_within_minutes = 20
priority = "emergency"
message_max_bytes = 160
auto_min_severity = "Extreme"
)";

}  // namespace

TEST_CASE("a flood rule turns the flood warning into an activation template", "[rules]") {
  const auto rules = Rules(kFloodRule);
  REQUIRE(rules.size() == 1);
  const CapAlert alert = Corpus("flood_warning_alert.xml");
  auto m = MatchAlert(alert, rules);
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  const AlertMatch& match = **m;
  CHECK(match.rule == "severn-floods");
  CHECK(match.alert_key == alert.Key());
  CHECK(match.info == 0);
  CHECK(match.spec.title == "Flood Warning: River Severn at Shrewsbury, Frankwell and Coleham");
  CHECK(match.spec.message.size() <= 160);
  CHECK(match.spec.message.starts_with("Flood Warning: River Severn at Shrewsbury"));
  CHECK(match.spec.message.ends_with("\xE2\x80\xA6"));                    // cut, with an ellipsis
  CHECK(match.spec.start_unix == *ParseInstant("2026-12-07T09:00:00Z"));  // onset
  CHECK(match.spec.duration_minutes == 24 * 60);                          // to expires
  REQUIRE(match.spec.requirements.size() == 2);
  CHECK(match.spec.requirements[0].skill == "boat-crew");
  CHECK(match.spec.requirements[0].min_level == 2);
  CHECK(match.spec.requirements[0].count == 4);
  CHECK(match.spec.requirements[1].min_level == 0);
  CHECK(match.spec.answer_within_minutes == 20);
  CHECK(match.spec.priority == Priority::kEmergency);
  CHECK_FALSE(match.auto_activate);  // Severe, below the Extreme floor
  REQUIRE(match.polygons.size() == 1);
  CHECK(match.buffer_km == 5);
  // The circle holds the polygon plus the buffer: every corner is within
  // radius - 5 km of the centre, and the farthest exactly at it.
  const LatLon centre{match.spec.lat, match.spec.lon};
  CHECK(match.polygons[0].Contains(centre));
  double farthest = 0;
  for (const LatLon& v : match.polygons[0].rings()[0]) {
    farthest = std::max(farthest, GreatCircleDistanceKm(centre, v));
  }
  CHECK(match.spec.radius_km == Approx(farthest + 5).epsilon(1e-12));
  CHECK(farthest > 0.3);
  CHECK(farthest < 1.5);
}

TEST_CASE("each condition of a rule can stop the match", "[rules]") {
  const CapAlert alert = Corpus("flood_warning_alert.xml");
  auto matches = [&](const std::string& extra_or_replaced, const std::string& with = "") {
    std::string text = kFloodRule;
    if (with.empty()) {
      text += extra_or_replaced;
    } else {
      const auto at = text.find(extra_or_replaced);
      REQUIRE(at != std::string::npos);
      text.replace(at, extra_or_replaced.size(), with);
    }
    auto m = MatchAlert(alert, Rules(text));
    REQUIRE(m.ok());
    return m->has_value();
  };
  CHECK(matches("name = \"severn-floods\"", "name = \"x\""));  // control
  CHECK_FALSE(matches("www.gov.uk/environment-agency", "other-sender"));
  CHECK_FALSE(matches("flood warning*", "flood alert*"));
  CHECK(matches("flood warning*", "FLOOD ?ARNING"));
  CHECK_FALSE(matches("[\"Met\", \"Geo\"]", "[\"Fire\"]"));
  CHECK(matches("min_urgency = \"Expected\"", "min_urgency = \"Immediate\""));
  CHECK_FALSE(matches("min_severity = \"Severe\"", "min_severity = \"Extreme\""));
  CHECK_FALSE(matches("min_certainty = \"Likely\"", "min_certainty = \"Observed\""));
  CHECK_FALSE(matches("[\"031WAF*\"]", "[\"034WAF*\"]"));
  CHECK(matches("[\"031WAF*\"]", "[\"034WAF*\", \"031waf214\"]"));
  CHECK_FALSE(matches("statuses = [\"Exercise\"]\n"));
  // The urgency floor: a Future alert is below Expected.
  CapAlert future = alert;
  future.infos[0].urgency = CapUrgency::kFuture;
  CHECK_FALSE(MatchAlert(future, Rules(kFloodRule))->has_value());
  future.infos[0].urgency = CapUrgency::kExpected;
  CHECK(MatchAlert(future, Rules(kFloodRule))->has_value());
}

TEST_CASE("auto activation needs the severity floor, and Exercise matches only when listed",
          "[rules]") {
  CapAlert alert = Corpus("flood_warning_alert.xml");
  alert.infos[0].severity = CapSeverity::kExtreme;
  auto m = MatchAlert(alert, Rules(kFloodRule));
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  CHECK((*m)->auto_activate);
  alert.status = CapStatus::kExercise;
  CHECK_FALSE(MatchAlert(alert, Rules(kFloodRule))->has_value());
  CHECK(
      MatchAlert(alert, Rules(std::string(kFloodRule) + "statuses = [\"Actual\", \"Exercise\"]\n"))
          ->has_value());
}

TEST_CASE("the Update matches with its bigger area, and a Cancel never makes a template",
          "[rules]") {
  const auto rules = Rules(kFloodRule);
  const auto first = **MatchAlert(Corpus("flood_warning_alert.xml"), rules);
  auto update = MatchAlert(Corpus("flood_warning_update.xml"), rules);
  REQUIRE(update.ok());
  REQUIRE(update->has_value());
  CHECK((*update)->spec.radius_km > first.spec.radius_km);
  CHECK((*update)->spec.duration_minutes == 30 * 60);  // 09:00 to 15:00 the next day
  auto cancel = MatchAlert(Corpus("flood_warning_cancel.xml"), rules);
  REQUIRE(cancel.ok());
  CHECK_FALSE(cancel->has_value());
}

TEST_CASE("a circle alert, a fixed duration, and the first matching info and rule", "[rules]") {
  const auto rules = Rules(R"(
[[rules]]
name = "never"
event = "Tornado"
requirements = [ { skill = "x" } ]
[[rules]]
name = "storms"
event = "*storm*"
duration_minutes = 90
requirements = [ { skill = "chainsaw" } ]
[[rules]]
name = "later"
requirements = [ { skill = "y" } ]
)");
  const CapAlert weather = Corpus("weather_warning_circle.xml");
  auto m = MatchAlert(weather, rules);
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  CHECK((*m)->rule == "storms");
  CHECK((*m)->spec.lat == Approx(51.4545));
  CHECK((*m)->spec.lon == Approx(-2.5879));
  CHECK((*m)->spec.radius_km == Approx(25));
  CHECK((*m)->spec.duration_minutes == 90);
  CHECK((*m)->circles.size() == 1);
  CHECK((*m)->spec.priority == Priority::kUrgent);  // the default
  // Welsh info second: a rule on the Welsh event name takes info 1.
  const auto welsh = Rules(R"(
[[rules]]
name = "cy"
event = "Rhybudd*"
requirements = [ { skill = "boat-crew" } ]
)");
  auto w = MatchAlert(Corpus("two_languages.xml"), welsh);
  REQUIRE(w->has_value());
  CHECK((*w)->info == 1);
  CHECK((*w)->spec.title == "Rhybudd Llifogydd: Afon Tywi yng nghei Caerfyrddin");
  // No expires and no fixed length: the default duration.
  CHECK((*w)->spec.duration_minutes == 360);
  CHECK((*w)->spec.start_unix == *ParseInstant("2026-12-07T10:05:00Z"));  // sent
}

TEST_CASE("a matched info without a polygon or circle is an error naming it", "[rules]") {
  CapAlert alert = Corpus("flood_warning_alert.xml");
  alert.infos[0].areas[0].polygons.clear();
  auto m = MatchAlert(alert, Rules(kFloodRule));
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().ToString() ==
        "alert.info[0].area: has no polygon or circle to place an activation (geocodes alone "
        "do not)");
}

TEST_CASE("rule tables are checked, naming the key", "[rules]") {
  CHECK(RuleError("rules = 1") == "expected [[alerts.rules]] tables");
  CHECK(RuleError("[[rules]]\nname = \"a\"\n") == "[0].requirements: is required");
  CHECK(RuleError("[[rules]]\nrequirements = [ { skill = \"x\" } ]\n") == "[0].name: is required");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nrequirements = [ { skill = \"x\" } ]\n"
                  "[[rules]]\nname = \"a\"\nrequirements = [ { skill = \"x\" } ]\n") ==
        "[1].name: 'a' names two rules");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nmin_severity = \"Bad\"\n") ==
        "[0].min_severity: 'Bad' is not one of Extreme, Severe, Moderate, Minor, Unknown");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nbuffer_km = 500\n") ==
        "[0].buffer_km: 500 is outside [0, 100]");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nsenders = \"x\"\n") ==
        "[0].senders: expected an array of strings, got a string");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nauto = true\n") == "[0].auto: unknown key");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nrequirements = [ { skill = \"x\", count = 0 } ]\n") ==
        "[0].requirements[0].count: 0 is outside [1, 100000]");
  CHECK(RuleError(
            "[[rules]]\nname = \"a\"\nrequirements = [ { skill = \"x\" }, { skill = \"x\" } ]\n") ==
        "[0].requirements[1].skill: is named twice");
  CHECK(RuleError("[[rules]]\nname = \"a\"\npriority = \"high\"\n") ==
        "[0].priority: 'high' is not one of routine, urgent, emergency");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nstatuses = [\"Real\"]\n") ==
        "[0].statuses[0]: 'Real' is not one of Actual, Exercise, System, Test, Draft");
  CHECK(RuleError("[[rules]]\nname = \"a\"\nmessage_max_bytes = 2000\n") ==
        "[0].message_max_bytes: 2000 is outside [1, 1000]");
}

TEST_CASE("glob patterns", "[rules]") {
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("flood*", "Flood Warning"));
  CHECK(GlobMatch("*warning", "Severe Flood Warning"));
  CHECK(GlobMatch("031?AF*", "031WAF214"));
  CHECK_FALSE(GlobMatch("031?AF", "031WAF214"));
  CHECK(GlobMatch("a*b*c", "aXbYbZc"));
  CHECK_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
  CHECK_FALSE(GlobMatch("", "x"));
}
