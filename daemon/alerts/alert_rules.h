// Alert rules: which CAP alerts propose an activation, and what that
// activation asks for. ParseAlertRules reads the [[alerts.rules]] tables;
// MatchAlert turns a parsed alert into an activation template. Pure;
// thread-safe. docs/alerts.md, "Rules", has an example.
//
// musterd does not read these rules yet: the proposed-activation state they
// feed (nobody contacted until a planner approves) is still to be built.
#pragma once

#include <toml++/toml.h>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activation/activation.h"
#include "alerts/cap_alert.h"
#include "core/geo_polygon.h"
#include "core/status.h"

namespace muster {

struct AlertRule {
  std::string name;  // required, unique among the rules (audit and proposals name it)
  // --- what matches (every condition set must hold; unset = any)
  std::vector<std::string> senders;     // exact CAP <sender>s
  std::string event;                    // glob on <event>: '*', '?', case-insensitive
  std::vector<std::string> categories;  // any of these <category>s
  std::vector<CapStatus> statuses = {CapStatus::kActual};  // Exercise/Test only when listed
  CapUrgency min_urgency = CapUrgency::kUnknown;
  CapSeverity min_severity = CapSeverity::kUnknown;
  CapCertainty min_certainty = CapCertainty::kUnknown;
  std::vector<std::string> target_area_codes;  // globs on any TargetAreaCode geocode
  // --- the activation it proposes
  std::vector<Requirement> requirements;  // required, 1..kMaxRequirements
  double buffer_km = 0;                   // added round the alert's area, 0..100
  int duration_minutes = 0;               // 0 = from the start to <expires>
  int default_duration_minutes = 360;     // when 0 above and the alert has no <expires>
  int answer_within_minutes = 15;         // 1..1440
  Priority priority = Priority::kUrgent;
  size_t message_max_bytes = 480;  // the call-out text cap (SMS), 1..1000
  // Start at once (no planner) when the alert is at least this severe;
  // unset = always a proposal.
  std::optional<CapSeverity> auto_min_severity;
};

// Reads the value of alerts.rules: an array of tables. InvalidArgument
// naming "[i].key" for an unknown key, a wrong type or a bad value (the
// config reader prefixes "alerts.rules").
Result<std::vector<AlertRule>> ParseAlertRules(const toml::node& rules);

// What a matching alert proposes.
struct AlertMatch {
  std::string rule;       // the rule's name
  std::string alert_key;  // CapAlert::Key()
  size_t info = 0;        // the <info> that matched (the first that does)
  // Title (headline, else event), message (headline, description,
  // instruction, cut to the rule's cap), place and radius (the smallest
  // circle round the area's centre holding every polygon and circle, plus
  // the buffer), start (onset, else effective, else sent), duration,
  // requirements, answer-within and priority.
  ActivationSpec spec;
  std::vector<GeoPolygon> polygons;  // the matched info's areas, as given
  std::vector<CapCircle> circles;
  double buffer_km = 0;
  bool auto_activate = false;  // the rule's auto_min_severity is met
};

// The first rule (in order) that some <info> (in order) of an Alert or
// Update matches, and what it proposes; nullopt when none does, and for
// Cancel, Ack and Error messages (those act through <references>).
// InvalidArgument when the matching info has no polygon or circle, or its
// area needs a radius over 1000 km.
Result<std::optional<AlertMatch>> MatchAlert(const CapAlert& alert,
                                             const std::vector<AlertRule>& rules);

// Case-insensitive glob: '*' any run, '?' one byte.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace muster
