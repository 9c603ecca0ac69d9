// Bearer tokens scoped to resilience forums, and a small two-forum roster,
// for the end-to-end area-scope tests.
#pragma once

#include <fmt/format.h>

#include <span>
#include <string>

#include "auth/tokens.h"

namespace muster::testing {

struct ScopedToken {
  const char* name;
  const char* token;
  const char* role;
  const char* areas;  // TOML array text, e.g. R"(["gloucestershire"])"
  bool mutual_aid;
};

// The [[auth.tokens]] tables of a musterd config for `tokens`.
inline std::string TokensToml(std::span<const ScopedToken> tokens) {
  std::string toml;
  for (const auto& t : tokens) {
    toml += fmt::format(
        "[[auth.tokens]]\nname = \"{}\"\nsha256 = \"{}\"\nrole = \"{}\"\nareas = {}\n"
        "mutual_aid = {}\n\n",
        t.name, muster::Sha256Hex(t.token), t.role, t.areas, t.mutual_aid);
  }
  return toml;
}

// Six first aiders east of Tewkesbury, nearest first: g1 w1 g2 w2 g3 w3;
// g* in gloucestershire, w* in wiltshire.
inline constexpr const char* kTwoForumRoster =
    "external_id,name,home_area,lat,lon,channels,skills\n"
    "g1,Glos One,gloucestershire,51.9925,-2.14333,sms:+447700900001,first_aid:1\n"
    "g2,Glos Two,gloucestershire,51.9925,-2.12866,sms:+447700900002,first_aid:1\n"
    "g3,Glos Three,gloucestershire,51.9925,-2.11399,sms:+447700900003,first_aid:1\n"
    "w1,Wilts One,wiltshire,51.9925,-2.14000,sms:+447700900004,first_aid:1\n"
    "w2,Wilts Two,wiltshire,51.9925,-2.12000,sms:+447700900005,first_aid:1\n"
    "w3,Wilts Three,wiltshire,51.9925,-2.11000,sms:+447700900006,first_aid:1\n";

}  // namespace muster::testing
