// The flags of `musterctl reservist add|update`, and their conversion into a
// Reservist message. Item syntax (--channel, --skill, ...) is that of
// roster_fields.h, the same as in CSV cells.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "muster/v1/roster.pb.h"

namespace muster::client {

// The flags as typed. An unset optional / empty list means "not given".
struct ReservistFlags {
  std::optional<std::string> name;         // --name
  std::optional<std::string> area;         // --area (home_area)
  std::optional<std::string> at;           // --at LAT,LON
  std::optional<std::string> postcode;     // --postcode ("" clears)
  std::optional<std::string> external_id;  // --external-id ("" clears)
  std::optional<std::string> max_travel;   // --max-travel KM
  // --channel KIND:ADDRESS, repeatable, in preference order. Replaces all
  // channels when given.
  std::vector<std::string> channels;
  // --skill CODE:LEVEL[:EXPIRES[:ISSUER]], repeatable. Adds the skill, or
  // replaces the holding of the same code; other skills are kept.
  std::vector<std::string> skills;
  // --remove-skill CODE, repeatable (update only). Error if not held.
  std::vector<std::string> remove_skills;
  // --available DAYS HH:MM-HH:MM, repeatable. Replaces all windows when given.
  std::vector<std::string> available;
  // --unavailable FROM[..UNTIL][:REASON], repeatable. Adds periods.
  std::vector<std::string> unavailable;
  bool clear_skills = false;       // --clear-skills: drop all skills first
  bool clear_available = false;    // --clear-available: available at any time
  bool clear_unavailable = false;  // --clear-unavailable: drop all periods first
};

// True if any flag is given.
bool HasChanges(const ReservistFlags& flags);

// Applies the given flags to *reservist: scalar flags; channels (replace);
// --clear-skills, then --remove-skill, then --skill (merge by code);
// --clear-available or --available (replace); --clear-unavailable, then
// --unavailable (append). On error returns InvalidArgument with the flag
// as field and the value quoted in the message, e.g. field "--skill",
// message "\"first_aid:x\": level: \"x\" is not a whole number"; *reservist
// is then partly changed and should be discarded.
Status ApplyReservistFlags(const ReservistFlags& flags, muster::v1::Reservist* reservist);

}  // namespace muster::client
