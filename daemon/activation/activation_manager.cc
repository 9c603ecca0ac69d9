#include "activation/activation_manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "core/civil_time.h"
#include "core/london_time.h"

namespace muster {
namespace {

Status CheckText(const char* field, const std::string& text, size_t max_len, bool required) {
  if (required && text.empty()) return Status::InvalidArgument(field, "is required");
  if (text.size() > max_len) {
    return Status::InvalidArgument(
        field, fmt::format("is {} bytes long; at most {} allowed", text.size(), max_len));
  }
  return {};
}

// The stored selection in the ranker's terms, so Explain reports what was
// actually asked.
RankResult StoredResult(const Activation& a) {
  RankResult r;
  for (const auto& c : a.callouts) r.selected.push_back(c.candidate);
  for (const auto& req : a.requirements) {
    RequirementOutcome o;
    o.requirement = req.requirement;
    o.eligible = req.eligible;
    o.asked = req.asked;
    o.shortfall = req.shortfall;
    r.requirements.push_back(o);
  }
  return r;
}

}  // namespace

ActivationManager::ActivationManager(ActivationStore& store, RosterStore& roster,
                                     const RosterIndex& index, RankingConfig config,
                                     const Clock& clock)
    : store_(store),
      roster_(roster),
      index_(index),
      ranker_(index, std::move(config)),
      clock_(clock) {}

Status ActivationManager::ValidateSpec(ActivationSpec& spec) const {
  if (spec.start_now) spec.start_unix = clock_.NowSeconds();  // the digest keeps "now"
  MUSTER_RETURN_IF_ERROR(CheckText("title", spec.title, kMaxTitleLength, true));
  MUSTER_RETURN_IF_ERROR(CheckText("message", spec.message, kMaxMessageLength, false));
  if (spec.answer_within_minutes == 0) spec.answer_within_minutes = kDefaultAnswerWithinMinutes;
  if (spec.answer_within_minutes < 1 || spec.answer_within_minutes > 1440) {
    return Status::InvalidArgument(
        "answer_within_minutes",
        fmt::format("{} is out of range [1, 1440]", spec.answer_within_minutes));
  }
  MUSTER_RETURN_IF_ERROR(CheckAcceptedInstant("start", spec.start_unix));
  int64_t earliest = clock_.NowSeconds() - kMaxStartInPastSeconds;
  if (spec.start_unix < earliest) {
    return Status::InvalidArgument("start", fmt::format("{} is more than 24 hours in the past",
                                                        FormatInstant(spec.start_unix)));
  }
  if (spec.duration_minutes <= 0) {
    return Status::InvalidArgument(
        "duration_minutes", fmt::format("{} must be positive (the end must be after the start)",
                                        spec.duration_minutes));
  }
  if (spec.duration_minutes > kMaxDurationMinutes) {
    return Status::InvalidArgument(
        "duration_minutes",
        fmt::format("{} is out of range [1, {}]", spec.duration_minutes, kMaxDurationMinutes));
  }
  return {};
}

RankRequest ActivationManager::RequestFor(const ActivationSpec& spec, SelectionInputs inputs,
                                          int64_t exclude_activation) {
  RankRequest req;
  req.lat = spec.lat;
  req.lon = spec.lon;
  req.radius_km = spec.radius_km;
  req.start_unix = spec.start_unix;
  req.duration_minutes = spec.duration_minutes;
  req.requirements = spec.requirements;
  req.areas = spec.areas;
  for (const auto& b : inputs.busy) {
    if (b.activation_id != exclude_activation) req.busy.push_back(b);
  }
  req.history = std::make_shared<const HistoryTable>(std::move(inputs.history));
  return req;
}

Result<RankRequest> ActivationManager::BuildRequest(const ActivationSpec& spec,
                                                    int64_t exclude_activation,
                                                    SelectionMark* mark) {
  auto inputs = store_.ReadSelectionInputs(spec.start_unix, spec.end_unix(), spec.start_unix);
  if (!inputs.ok()) return inputs.status();
  if (mark) *mark = inputs->mark;
  return RequestFor(spec, std::move(inputs).value(), exclude_activation);
}

Result<std::unordered_map<int64_t, std::string>> ActivationManager::NamesOf(
    const std::vector<RankedCandidate>& selected) {
  std::vector<int64_t> ids;
  ids.reserve(selected.size());
  for (const auto& c : selected) ids.push_back(c.reservist_id);
  // Looked up in id order: one walk through the reservists table instead of
  // a random read per name (a second or more for a million).
  std::sort(ids.begin(), ids.end());
  return store_.ReservistNames(ids);
}

Result<Activation> ActivationManager::Rank(const ActivationSpec& spec) {
  SelectionMark mark;
  auto req = BuildRequest(spec, 0, &mark);
  if (!req.ok()) return req.status();
  auto ranked = ranker_.Rank(*req);
  if (!ranked.ok()) return ranked.status();
  Activation a;
  a.spec = spec;
  a.spec_digest = SpecDigest(spec);
  a.state = ActivationState::kOpen;
  a.selection = mark;
  for (const auto& o : ranked->requirements) {
    RequirementRecord r;
    r.requirement = o.requirement;
    r.eligible = o.eligible;
    r.asked_elsewhere = o.asked_elsewhere;
    r.asked = o.asked;
    r.shortfall = o.shortfall;
    a.requirements.push_back(r);
  }
  auto names = NamesOf(ranked->selected);
  if (!names.ok()) return names.status();
  a.callouts.reserve(ranked->selected.size());
  for (const auto& c : ranked->selected) {
    Callout callout;
    callout.candidate = c;
    callout.reservist_name = (*names)[c.reservist_id];
    a.callouts.push_back(std::move(callout));
  }
  return a;
}

Result<int> ActivationManager::ExpireDue() {
  int64_t now = clock_.NowSeconds();
  auto open = store_.List(ActivationState::kOpen, 0, 100000);
  if (!open.ok()) return open.status();
  int expired = 0;
  for (const auto& a : *open) {
    if (a.spec.end_unix() > now) continue;
    auto moved = store_.Transition(a.id, {ActivationState::kOpen}, ActivationState::kExpired,
                                   "window ended while still open");
    // Someone else may have moved it meanwhile; that is fine.
    if (!moved.ok() && moved.status().code() != Code::kFailedPrecondition) return moved.status();
    if (moved.ok()) ++expired;
  }
  return expired;
}

Result<Activation> ActivationManager::Preview(ActivationSpec spec, const AreaScope& scope) {
  MUSTER_RETURN_IF_ERROR(ValidateSpec(spec));
  if (auto st = ExpireDue(); !st.ok()) return st.status();
  auto a = Rank(spec);
  if (!a.ok() || scope.all()) return a;
  std::erase_if(a->callouts, [&](const Callout& c) {
    const std::optional<ReservistFacts> facts = index_.Find(c.candidate.reservist_id);
    return !facts || !scope.Covers(facts->home_area);
  });
  return a;
}

Result<CreateOutcome> ActivationManager::Create(ActivationSpec spec,
                                                const std::string& idempotency_key,
                                                std::vector<std::string> raised_by_areas) {
  MUSTER_RETURN_IF_ERROR(ValidateSpec(spec));
  MUSTER_RETURN_IF_ERROR(
      CheckText("idempotency_key", idempotency_key, kMaxIdempotencyKeyLength, false));
  std::lock_guard lock(create_mutex_);
  if (auto st = ExpireDue(); !st.ok()) return st.status();
  if (!idempotency_key.empty()) {
    auto existing = store_.FindByKey(idempotency_key);
    if (!existing.ok()) return existing.status();
    if (*existing) {
      if ((*existing)->spec_digest != SpecDigest(spec)) {
        return Status::AlreadyExists(
            "idempotency_key",
            fmt::format("idempotency key '{}' was used for a different activation ({})",
                        idempotency_key, (*existing)->id));
      }
      return CreateOutcome{std::move(**existing), false};
    }
  }
  const auto started = std::chrono::steady_clock::now();
  auto ranked = Rank(spec);
  if (!ranked.ok()) return ranked.status();
  const auto ranked_at = std::chrono::steady_clock::now();
  ranked->idempotency_key = idempotency_key;
  std::sort(raised_by_areas.begin(), raised_by_areas.end());
  raised_by_areas.erase(std::unique(raised_by_areas.begin(), raised_by_areas.end()),
                        raised_by_areas.end());
  ranked->raised_by_areas = std::move(raised_by_areas);
  std::vector<StoredCallout> rows;
  auto stored = store_.Insert(*ranked, &rows);
  if (!stored.ok()) return stored.status();
  // Both happen before anyone is asked: worth seeing when a big one is slow.
  auto ms = [](auto from, auto to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
  };
  spdlog::info("activation {}: {} selected in {:.0f} ms, stored in {:.0f} ms", stored->id,
               stored->callouts.size(), ms(started, ranked_at),
               ms(ranked_at, std::chrono::steady_clock::now()));
  {
    std::lock_guard handoff(handoff_mutex_);
    if (keep_stored_) handoff_[stored->id] = std::move(rows);
  }
  return CreateOutcome{std::move(stored).value(), true};
}

void ActivationManager::KeepStoredCalloutsForDispatch(bool keep) {
  std::lock_guard lock(handoff_mutex_);
  keep_stored_ = keep;
  if (!keep) handoff_.clear();
}

std::vector<StoredCallout> ActivationManager::TakeStoredCallouts(int64_t activation_id) {
  std::lock_guard lock(handoff_mutex_);
  auto it = handoff_.find(activation_id);
  if (it == handoff_.end()) return {};
  std::vector<StoredCallout> out = std::move(it->second);
  handoff_.erase(it);
  return out;
}

Result<std::vector<Callout>> ActivationManager::NextWave(int64_t id, const std::vector<int>& gaps,
                                                         const std::string& reason) {
  std::lock_guard lock(create_mutex_);
  auto a = store_.Get(id);
  if (!a.ok()) return a.status();
  if (a->state != ActivationState::kOpen) {
    return Status::FailedPrecondition(
        fmt::format("activation {} is {}", id, ActivationStateName(a->state)));
  }
  ActivationSpec sub = a->spec;
  sub.requirements.clear();
  std::vector<int> original;  // sub-request index -> requirement index
  for (size_t i = 0; i < gaps.size() && i < a->spec.requirements.size(); ++i) {
    if (gaps[i] <= 0) continue;
    Requirement r = a->spec.requirements[i];
    r.count = gaps[i];
    sub.requirements.push_back(r);
    original.push_back(static_cast<int>(i));
  }
  if (sub.requirements.empty()) return std::vector<Callout>();
  auto req = BuildRequest(sub, 0);
  if (!req.ok()) return req.status();
  auto asked = store_.AskedOn(id);
  if (!asked.ok()) return asked.status();
  for (int64_t rid : *asked) req->busy.push_back({rid, id});
  auto ranked = ranker_.Rank(*req);
  if (!ranked.ok()) return ranked.status();
  std::vector<Callout> callouts;
  auto names = NamesOf(ranked->selected);
  if (!names.ok()) return names.status();
  for (auto c : ranked->selected) {
    c.requirement_index = original[static_cast<size_t>(c.requirement_index)];
    Callout callout;
    callout.candidate = c;
    callout.reservist_name = (*names)[c.reservist_id];
    callouts.push_back(std::move(callout));
  }
  if (callouts.empty()) return callouts;
  return store_.AddWave(id, std::move(callouts), reason);
}

Result<Activation> ActivationManager::Get(int64_t id) {
  if (auto st = ExpireDue(); !st.ok()) return st.status();
  return store_.Get(id);
}

Result<std::vector<Activation>> ActivationManager::List(std::optional<ActivationState> state,
                                                        int64_t before_id, int limit) {
  if (auto st = ExpireDue(); !st.ok()) return st.status();
  return store_.List(state, before_id, limit);
}

Result<Activation> ActivationManager::Cancel(int64_t id, const std::string& reason) {
  MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, kMaxTitleLength, false));
  if (auto st = ExpireDue(); !st.ok()) return st.status();
  return store_.Transition(id, {ActivationState::kOpen, ActivationState::kFilled},
                           ActivationState::kCancelled, reason.empty() ? "cancelled" : reason);
}

Result<ReadinessMatrix> ActivationManager::Readiness(ReadinessQuery query, bool start_now) const {
  const int64_t now = clock_.NowSeconds();
  if (start_now) {
    query.end_unix = now + (query.end_unix - query.start_unix);
    query.start_unix = now;
  }
  if (query.end_unix <= now) {
    // Certificates are counted as of today: a past window would be judged
    // by who holds what now, not then.
    return Status::InvalidArgument("start",
                                   fmt::format("the window ended at {}; readiness looks ahead",
                                               FormatInstant(query.end_unix)));
  }
  query.today = UtcToLondon(now).date;
  return index_.Readiness(query);
}

Result<Explanation> ActivationManager::Explain(int64_t activation_id, int64_t reservist_id,
                                               const AreaScope& scope) {
  auto a = store_.Get(activation_id);
  if (!a.ok()) return a.status();
  const bool asked = std::any_of(a->callouts.begin(), a->callouts.end(), [&](const Callout& c) {
    return c.candidate.reservist_id == reservist_id;
  });
  if (!asked && !scope.all()) {
    // Every fact about someone else's reservist (distance, certificates,
    // dates, even existence) stays with their area.
    const std::optional<ReservistFacts> facts = index_.Find(reservist_id);
    if (!facts || !scope.Covers(facts->home_area)) {
      return Status::NotFound(fmt::format("reservist {} is not in the roster", reservist_id));
    }
  }
  // As the first wave's selection saw the store (who was busy elsewhere,
  // answer history); activations stored before the mark existed: as now.
  auto inputs =
      a->selection.known
          ? store_.ReadSelectionInputsAsOf(a->spec.start_unix, a->spec.end_unix(),
                                           a->spec.start_unix, a->selection)
          : store_.ReadSelectionInputs(a->spec.start_unix, a->spec.end_unix(), a->spec.start_unix);
  if (!inputs.ok()) return inputs.status();
  const RankRequest req = RequestFor(a->spec, std::move(inputs).value(), activation_id);
  RankResult stored = StoredResult(*a);
  return ranker_.Explain(req, reservist_id, &stored);
}

}  // namespace muster
