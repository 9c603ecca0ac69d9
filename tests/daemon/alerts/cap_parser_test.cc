#include "alerts/cap_parser.h"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "core/civil_time.h"

using namespace muster;

namespace {

std::string Corpus(const std::string& name) {
  std::ifstream in(std::string(MUSTER_SOURCE_DIR) + "/tests/data/cap/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

CapAlert Parse(const std::string& xml) {
  auto a = ParseCapAlert(xml);
  INFO(a.status().ToString());
  REQUIRE(a.ok());
  return std::move(a).value();
}

// The whole rejection, "field: message".
std::string Refusal(const std::string& xml, const CapLimits& limits = {}) {
  auto a = ParseCapAlert(xml, limits);
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().code() == Code::kInvalidArgument);
  return a.status().ToString();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

const std::string kFlood = "flood_warning_alert.xml";

}  // namespace

TEST_CASE("an Environment-Agency-style flood warning is read whole", "[cap]") {
  const CapAlert a = Parse(Corpus(kFlood));
  CHECK(a.version == 12);
  CHECK(a.identifier == "2.49.0.1.826.1.20261207T0815.031WAF214");
  CHECK(a.sender == "www.gov.uk/environment-agency");
  CHECK(a.sent == "2026-12-07T08:15:00+00:00");
  CHECK(a.sent_unix == *ParseInstant("2026-12-07T08:15:00Z"));
  CHECK(a.status == CapStatus::kActual);
  CHECK(a.msg_type == CapMsgType::kAlert);
  CHECK(a.scope == CapScope::kPublic);
  CHECK(a.source == "Flood Warning Service");
  CHECK(a.references.empty());
  CHECK(a.Key() ==
        "www.gov.uk/environment-agency,2.49.0.1.826.1.20261207T0815.031WAF214,"
        "2026-12-07T08:15:00+00:00");
  REQUIRE(a.infos.size() == 1);
  const CapInfo& i = a.infos[0];
  CHECK(i.language == "en-GB");
  CHECK(i.categories == std::vector<std::string>{"Met"});
  CHECK(i.event == "Flood Warning");
  CHECK(i.response_types == std::vector<std::string>{"Prepare"});
  CHECK(i.urgency == CapUrgency::kImmediate);
  CHECK(i.severity == CapSeverity::kSevere);
  CHECK(i.certainty == CapCertainty::kLikely);
  CHECK(i.onset == *ParseInstant("2026-12-07T09:00:00Z"));
  CHECK(i.expires == *ParseInstant("2026-12-08T09:00:00Z"));
  CHECK_FALSE(i.effective);
  CHECK(i.sender_name == "Environment Agency");
  CHECK(i.headline == "Flood Warning: River Severn at Shrewsbury, Frankwell and Coleham");
  CHECK(i.description.starts_with("River levels are rising"));
  CHECK(i.description.ends_with("expected from 09:00."));
  CHECK(i.description.find('\n') != std::string::npos);
  CHECK(i.instruction.starts_with("Move family, pets and valuables"));
  CHECK(i.contact == "Floodline 0345 988 1188");
  REQUIRE(i.areas.size() == 1);
  const CapArea& area = i.areas[0];
  CHECK(area.description == "River Severn at Shrewsbury: Frankwell, Coleham and the riverside");
  CHECK(area.Geocodes("TargetAreaCode") == std::vector<std::string>{"031WAF214"});
  REQUIRE(area.polygons.size() == 1);
  const GeoPolygon& poly = area.polygons[0];
  REQUIRE(poly.rings().size() == 1);
  CHECK(poly.rings()[0].size() == 8);
  CHECK(poly.rings()[0][1] == LatLon{52.7151, -2.7585});
  CHECK(poly.Contains({52.709, -2.755}));      // Coleham, inside
  CHECK_FALSE(poly.Contains({52.72, -2.70}));  // east of Shrewsbury
  CHECK(area.circles.empty());
}

TEST_CASE("the Update and the Cancel reference the flood warning", "[cap]") {
  const CapAlert alert = Parse(Corpus(kFlood));
  const CapAlert update = Parse(Corpus("flood_warning_update.xml"));
  CHECK(update.msg_type == CapMsgType::kUpdate);
  REQUIRE(update.references.size() == 1);
  CHECK(update.references[0].sender == alert.sender);
  CHECK(update.references[0].identifier == alert.identifier);
  CHECK(update.references[0].sent == alert.sent);
  CHECK(update.references[0].sent_unix == alert.sent_unix);
  // The Update's polygon reaches Abbey Foregate, outside the first one.
  CHECK(update.infos.at(0).areas.at(0).polygons.at(0).Contains({52.7065, -2.740}));
  CHECK_FALSE(alert.infos.at(0).areas.at(0).polygons.at(0).Contains({52.7065, -2.740}));

  const CapAlert cancel = Parse(Corpus("flood_warning_cancel.xml"));
  CHECK(cancel.msg_type == CapMsgType::kCancel);
  REQUIRE(cancel.references.size() == 2);
  CHECK(cancel.references[0].sender + "," + cancel.references[0].identifier + "," +
            cancel.references[0].sent ==
        alert.Key());
  CHECK(cancel.references[1].sender + "," + cancel.references[1].identifier + "," +
            cancel.references[1].sent ==
        update.Key());
  CHECK(cancel.note == "Flood Warning removed: river levels are falling.");
  CHECK(cancel.infos.at(0).urgency == CapUrgency::kPast);
  CHECK(cancel.infos.at(0).areas.at(0).polygons.empty());
}

TEST_CASE("a weather warning with a circle, a prefixed namespace and Z times", "[cap]") {
  const CapAlert a = Parse(Corpus("weather_warning_circle.xml"));
  CHECK(a.identifier == "MO-2026-12-07-TS-0042");
  CHECK(a.codes == std::vector<std::string>{"UK-WEATHER"});
  REQUIRE(a.infos.size() == 1);
  const CapInfo& i = a.infos[0];
  CHECK(i.language == "en-US");  // CAP's default when absent
  CHECK(i.urgency == CapUrgency::kExpected);
  CHECK(i.severity == CapSeverity::kModerate);
  CHECK(i.certainty == CapCertainty::kPossible);
  CHECK(i.effective == *ParseInstant("2026-12-07T14:00:00Z"));
  CHECK(i.event_codes == std::vector<CapValue>{{"WarningLevel", "Amber"}});
  CHECK(i.parameters == std::vector<CapValue>{{"Impact", "Power cuts; travel disruption"}});
  CHECK(i.description.find("homes & businesses") != std::string::npos);
  REQUIRE(i.areas.size() == 1);
  REQUIRE(i.areas[0].circles.size() == 1);
  CHECK(i.areas[0].circles[0].centre == LatLon{51.4545, -2.5879});
  CHECK(i.areas[0].circles[0].radius_km == 25);
}

TEST_CASE("a message in two languages keeps both info blocks", "[cap]") {
  const CapAlert a = Parse(Corpus("two_languages.xml"));
  REQUIRE(a.infos.size() == 2);
  CHECK(a.infos[0].language == "en-GB");
  CHECK(a.infos[1].language == "cy-GB");
  CHECK(a.infos[1].event == "Rhybudd Llifogydd");
  CHECK(a.infos[1].headline == "Rhybudd Llifogydd: Afon Tywi yng nghei Caerfyrddin");
  CHECK(a.infos[0].areas.at(0).Geocodes("TargetAreaCode") ==
        a.infos[1].areas.at(0).Geocodes("TargetAreaCode"));
}

TEST_CASE("CAP 1.1 is accepted, and its deprecated Very Likely reads as Likely", "[cap]") {
  std::string xml = Replace(Corpus(kFlood), "cap:1.2", "cap:1.1");
  xml = Replace(xml, "<certainty>Likely<", "<certainty>Very Likely<");
  const CapAlert a = Parse(xml);
  CHECK(a.version == 11);
  CHECK(a.infos.at(0).certainty == CapCertainty::kLikely);
  CHECK(Refusal(Replace(Corpus(kFlood), "<certainty>Likely<", "<certainty>Very Likely<")) ==
        "alert.info[0].certainty: 'Very Likely' is not one of Observed, Likely, Possible, "
        "Unlikely, Unknown");
}

TEST_CASE("the malformed corpus is refused, each naming the element and the reason", "[cap]") {
  CHECK(Refusal(Corpus("bad_no_namespace.xml")) ==
        "alert: <alert> is in no namespace; CAP needs "
        "xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"");
  CHECK(Refusal(Corpus("bad_polygon_three_points.xml")) ==
        "alert.info[0].area[0].polygon[0].points: a polygon needs at least 4 points (3 corners "
        "and the first repeated to close it); it has 3");
  CHECK(Refusal(Corpus("bad_polygon_not_closed.xml")) ==
        "alert.info[0].area[0].polygon[0].points: the polygon is not closed: its last point "
        "(52.7063,-2.7443) differs from its first (52.7125,-2.764)");
  CHECK(Refusal(Corpus("bad_latitude_95.xml")) ==
        "alert.info[0].area[0].polygon[0].points[2]: latitude 95 is outside [-90, 90]");
  CHECK(Refusal(Corpus("bad_unknown_msgtype.xml")) ==
        "alert.msgType: 'Warning' is not one of Alert, Update, Cancel, Ack, Error");
  CHECK(Refusal(Corpus("bad_missing_identifier.xml")) ==
        "alert.identifier: the required element is missing");
}

TEST_CASE("a DOCTYPE is refused: billion laughs and XXE never expand", "[cap]") {
  CHECK(Refusal(Corpus("bad_doctype_entities.xml")) ==
        "alert: a DOCTYPE is refused (no DTDs or entities)");
  CHECK(Refusal(Corpus("bad_doctype_xxe.xml")) ==
        "alert: a DOCTYPE is refused (no DTDs or entities)");
  // Also a bare one, and one pugixml cannot parse.
  CHECK(Refusal("<!DOCTYPE alert><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>") ==
        "alert: a DOCTYPE is refused (no DTDs or entities)");
  CHECK(Refusal("<!DOCTYPE alert [ <!ENTITY a \"") ==
        "alert: a DOCTYPE is refused (no DTDs or entities)");
  // Without a DOCTYPE an entity reference is not expanded into anything.
  const std::string xml =
      Replace(Corpus(kFlood), "<source>Flood Warning Service</source>", "<source>&xxe;</source>");
  auto a = ParseCapAlert(xml);
  REQUIRE(a.ok());
  CHECK(a->source == "&xxe;");
}

TEST_CASE("a 10 MB description is refused by the size limit", "[cap]") {
  const std::string xml =
      Replace(Corpus(kFlood), "<description>", "<description>" + std::string(10 << 20, 'x'));
  CHECK(Refusal(xml) ==
        fmt::format("alert: the message is {} bytes; at most 1048576 are accepted", xml.size()));
}

TEST_CASE("required info elements, enums and values are checked", "[cap]") {
  const std::string flood = Corpus(kFlood);
  CHECK(Refusal(Replace(flood, "<event>Flood Warning</event>", "")) ==
        "alert.info[0].event: the required element is missing");
  CHECK(Refusal(Replace(flood, "<category>Met</category>", "")) ==
        "alert.info[0].category: the required element is missing");
  CHECK(Refusal(Replace(flood, "<category>Met</category>", "<category>Weather</category>")) ==
        "alert.info[0].category[0]: 'Weather' is not one of Geo, Met, Safety, Security, Rescue, "
        "Fire, Health, Env, Transport, Infra, CBRNE, Other");
  CHECK(Refusal(Replace(flood, "<urgency>Immediate</urgency>", "")) ==
        "alert.info[0].urgency: the required element is missing");
  CHECK(Refusal(Replace(flood, "<severity>Severe</severity>", "<severity>severe</severity>")) ==
        "alert.info[0].severity: 'severe' is not one of Extreme, Severe, Moderate, Minor, Unknown");
  CHECK(Refusal(Replace(flood, "<certainty>Likely</certainty>", "<certainty></certainty>")) ==
        "alert.info[0].certainty: the required element is empty");
  CHECK(Refusal(Replace(flood, "<status>Actual</status>", "<status>Real</status>")) ==
        "alert.status: 'Real' is not one of Actual, Exercise, System, Test, Draft");
  CHECK(Refusal(Replace(flood, "<scope>Public</scope>", "")) ==
        "alert.scope: the required element is missing");
  CHECK(Refusal(Replace(flood, "<scope>Public</scope>", "<scope>Restricted</scope>")) ==
        "alert.restriction: is required when <scope> is Restricted");
  CHECK(Refusal(Replace(flood, "<sender>www.gov.uk/environment-agency</sender>", "")) ==
        "alert.sender: the required element is missing");
  CHECK(Refusal(Replace(flood, "<sent>2026-12-07T08:15:00+00:00</sent>",
                        "<sent>07/12/2026 08:15</sent>")) ==
        "alert.sent: '07/12/2026 08:15' is not a CAP date-time (YYYY-MM-DDThh:mm:ss+hh:mm)");
  CHECK(Refusal(Replace(flood, "<onset>2026-12-07T09:00:00+00:00</onset>",
                        "<onset>2026-12-09T09:00:00+00:00</onset>")) ==
        "alert.info[0].expires: is before <onset>");
  CHECK(Refusal(Replace(flood, "2.49.0.1.826.1.20261207T0815.031WAF214</identifier>",
                        "a b</identifier>")) ==
        "alert.identifier: 'a b' contains a space, comma, '<' or '&', which CAP forbids");
  CHECK(Refusal(Replace(flood, "<msgType>Alert</msgType>",
                        "<msgType>Alert</msgType><msgType>Update</msgType>")) ==
        "alert.msgType: appears more than once; CAP allows one");
  CHECK(Refusal(Replace(flood, "<source>", "<priority>1</priority><source>")) ==
        "alert.priority: <priority> is not a CAP element of <alert>");
  CHECK(Refusal(Replace(flood, "<areaDesc>", "<areaDesc><b>x</b>")) ==
        "alert.info[0].area[0].areaDesc: must hold text, not the element <b>");
  CHECK(Refusal(Replace(flood, "<value>031WAF214</value>", "")) ==
        "alert.info[0].area[0].geocode[0].value: the required element is missing");
  CHECK(Refusal(Replace(flood, "<language>en-GB</language>", "<language>en GB</language>")) ==
        "alert.info[0].language: 'en GB' is not a language tag");
}

TEST_CASE("references, circles and polygons must be well formed", "[cap]") {
  const std::string update = Corpus("flood_warning_update.xml");
  CHECK(Refusal(Replace(update, "<references>www.gov.uk/environment-agency,",
                        "<references>www.gov.uk/environment-agency;")) ==
        "alert.references[0]: 'www.gov.uk/environment-agency;2.49.0.1.826.1.20261207T0815.0...' "
        "is not \"sender,identifier,sent\"");
  CHECK(Refusal(Replace(update, ",2026-12-07T08:15:00+00:00</references>",
                        ",yesterday</references>")) ==
        "alert.references[0].sent: 'yesterday' is not a CAP date-time (YYYY-MM-DDThh:mm:ss+hh:mm)");
  const std::string weather = Corpus("weather_warning_circle.xml");
  CHECK(Refusal(Replace(weather, "51.4545,-2.5879 25", "51.4545,-2.5879")) ==
        "alert.info[0].area[0].circle[0]: '51.4545,-2.5879' is not a circle \"lat,lon radius_km\"");
  CHECK(Refusal(Replace(weather, "51.4545,-2.5879 25", "51.4545,-2.5879 -1")) ==
        "alert.info[0].area[0].circle[0]: radius -1 km is outside [0, 20038]");
  CHECK(Refusal(Replace(weather, "51.4545,-2.5879 25", "51.4545,-200 5")) ==
        "alert.info[0].area[0].circle[0]: longitude -200 is outside [-180, 180]");
  const std::string flood = Corpus(kFlood);
  CHECK(Refusal(Replace(flood, "52.7151,-2.7585", "52.7151;-2.7585")) ==
        "alert.info[0].area[0].polygon[0].points[1]: '52.7151;-2.7585' is not a point "
        "\"lat,lon\"");
  CHECK(Refusal(Replace(flood, "52.7151,-2.7585", "52.7151,abc")) ==
        "alert.info[0].area[0].polygon[0].points[1]: '52.7151,abc' is not a point \"lat,lon\"");
}

TEST_CASE("namespace, root and well-formedness errors", "[cap]") {
  const std::string flood = Corpus(kFlood);
  CHECK(Refusal(Replace(flood, "emergency:cap:1.2", "emergency:cap:1.0")) ==
        "alert: namespace 'urn:oasis:names:tc:emergency:cap:1.0' is neither CAP 1.2 "
        "(urn:oasis:names:tc:emergency:cap:1.2) nor CAP 1.1");
  CHECK(Refusal("<feed xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>") ==
        "alert: the root element is <feed>, not a CAP <alert>");
  CHECK(Refusal(Replace(flood, "</alert>", "")).starts_with("alert: not well-formed XML at byte"));
  // An <info> rebound to another namespace is not CAP's: ignored.
  CHECK(Parse(Replace(flood, "<info>", "<info xmlns=\"urn:example:other\">")).infos.empty());
  CHECK(Refusal(Replace(flood, "Frankwell, Coleham and the riverside", "Frankwell \xff")) ==
        fmt::format("alert: the message is not UTF-8 (byte {})",
                    flood.find("Frankwell, Coleham and the riverside") + 10));
  CHECK(Refusal(Replace(flood, "Frankwell, Coleham and the riverside", "\xc0\xae"))
            .starts_with("alert: the message is not UTF-8"));  // an overlong '.'
  // Elements of another namespace (an XML signature) are ignored.
  const CapAlert a = Parse(Replace(
      flood, "</alert>",
      "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo/></Signature></alert>"));
  CHECK(a.identifier == "2.49.0.1.826.1.20261207T0815.031WAF214");
}

TEST_CASE("count limits are enforced with the limit named", "[cap]") {
  const std::string flood = Corpus(kFlood);
  CapLimits limits;
  limits.max_points = 7;
  CHECK(Refusal(flood, limits) ==
        "alert.info[0].area[0].polygon[0]: the message's polygons have more than 7 points");
  limits = {};
  limits.max_elements = 20;
  CHECK(Refusal(flood, limits) == "alert: the message has more than 20 elements");
  limits = {};
  limits.max_infos = 1;
  CHECK(Refusal(Corpus("two_languages.xml"), limits) ==
        "alert.info: 2 <info> blocks; at most 1 are accepted");
  // Deep nesting within the size limit is counted without recursion.
  std::string deep;
  for (int i = 0; i < 60000; ++i) deep += "<x>";
  CHECK(Refusal(Replace(flood, "<source>", deep)).starts_with("alert: not well-formed XML"));
  std::string closed;
  for (int i = 0; i < 60000; ++i) closed += "</x>";
  CHECK(Refusal(Replace(flood, "<source>", deep + closed + "<source>")) ==
        "alert: the message has more than 50000 elements");
  deep.resize(3 * 40000);
  closed.resize(4 * 40000);
  CHECK(Refusal(Replace(flood, "<source>", deep + closed + "<source>")) ==
        "alert.x: <x> is not a CAP element of <alert>");
}

TEST_CASE("mangled messages are parsed or refused with a field, never crash", "[cap]") {
  const std::vector<std::string> seeds = {Corpus(kFlood), Corpus("flood_warning_cancel.xml"),
                                          Corpus("weather_warning_circle.xml"),
                                          Corpus("two_languages.xml")};
  const std::vector<std::string> inserts = {"<",    "&",        "<!DOCTYPE x>", "]]>",  "\xff",
                                            "<x/>", "&amp;",    "<![CDATA[",    "\xc3", " ",
                                            ",",    "xmlns=\"", "</info>",      "-999", "<?pi?>"};
  std::mt19937 rng(2026);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string xml = seeds[rng() % seeds.size()];
    for (int edits = 1 + rng() % 3; edits > 0; --edits) {
      const size_t at = rng() % xml.size();
      switch (rng() % 4) {
        case 0:
          xml[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          xml.erase(at, 1 + rng() % 40);
          break;
        case 2:
          xml.insert(at, inserts[rng() % inserts.size()]);
          break;
        default:
          xml.insert(at, xml.substr(rng() % xml.size(), 1 + rng() % 60));
      }
      if (xml.empty()) xml = "x";
    }
    auto a = ParseCapAlert(xml);
    if (!a.ok()) {
      ++refused;
      INFO(xml);
      CHECK(a.status().code() == Code::kInvalidArgument);
      CHECK(a.status().field().starts_with("alert"));
      CHECK_FALSE(a.status().message().empty());
    }
  }
  CHECK(refused > 1500);  // most edits break something
}

TEST_CASE("characters XML does not allow are refused, raw or as references", "[cap]") {
  const std::string flood = Corpus(kFlood);
  const std::string headline = "<headline>";
  REQUIRE(flood.find(headline) != std::string::npos);
  // NUL (would cut the text short), a surrogate (would decode to bytes that
  // are not UTF-8), ESC (terminal escapes into an SMS), raw or referenced.
  for (const std::string& bad :
       {std::string("&#0;"), std::string("&#xD800;"), std::string("&#x1B;[2J"),
        std::string("&#27;"), std::string("\x1b[2J"), std::string("&#x110000;")}) {
    INFO(bad);
    const std::string msg = Refusal(Replace(flood, headline, headline + "Evacuate " + bad));
    CHECK_THAT(msg, Catch::Contains("a character XML does not allow"));
  }
  // Allowed references still read as their characters.
  const CapAlert ok = Parse(Replace(flood, headline, headline + "Caf&#xE9; &#38; bar "));
  REQUIRE(!ok.infos.empty());
  CHECK_THAT(ok.infos[0].headline, Catch::StartsWith("Caf\xc3\xa9 & bar "));
}
