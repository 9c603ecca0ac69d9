// Text forms of activation values for musterctl flags. Pure functions;
// thread-safe. Errors are InvalidArgument naming the flag.
//
//   need      SKILL[:MIN_LEVEL]:COUNT   first_aid:12, first_aid:2:12
//   duration  90 | 90m | 2h | 1h30m      minutes by default
//   start     now | ISO 8601 with Z or an offset, e.g. 2026-11-25T18:00Z
//   state     open | filled | stood_down | cancelled | expired
//   priority  routine | urgent | emergency
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "muster/v1/activation.pb.h"

namespace muster::client {

Status ParseNeed(std::string_view text, muster::v1::Requirement* out);
// Minutes, > 0.
Result<int32_t> ParseMinutes(std::string_view text, const char* flag);
// Unix seconds, or nullopt for "now": the daemon resolves "now" by its own
// clock (ActivationSpec.start_now), so that a retried `activate --start now
// --key K` is the same request.
Result<std::optional<int64_t>> ParseStart(std::string_view text);
Result<muster::v1::ActivationState> ParseActivationState(std::string_view text);
Result<muster::v1::Priority> ParsePriority(std::string_view text);

// "open", "filled", "stood_down", "cancelled", "expired" (or "?").
std::string_view ActivationStateName(muster::v1::ActivationState state);
std::string_view PriorityName(muster::v1::Priority priority);

}  // namespace muster::client
