#include "ranking/index_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ranking/activation_window.h"

namespace muster {

namespace {

constexpr int32_t kNeverExpires = INT32_MAX;
constexpr size_t kMaxPerReservist = 255;  // skills or unavailable periods
constexpr size_t kPatternLookahead = 8;   // postings
constexpr double kEarthRadiusSq = kEarthRadiusKm * kEarthRadiusKm;

uint16_t PostingDay(int32_t days) {
  if (days == kNeverExpires) return Posting::kCertNever;
  return static_cast<uint16_t>(std::clamp(days, 0, 65534));
}

uint16_t MaxTravel16th(double km) {
  const double v = km * 16;
  const bool exact = v >= 0 && v < Posting::kMaxTravelInRecord && v == std::floor(v);
  return exact ? static_cast<uint16_t>(v) : Posting::kMaxTravelInRecord;
}

// The reservists busy elsewhere during a query: an open-addressing set of
// ids, one per thread.
class ExcludedIds {
 public:
  void Reset(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity <<= 1;
    table_.assign(capacity, 0);  // ids are > 0
    shift_ = 64 - __builtin_ctzll(capacity);
  }
  void Insert(int64_t id) {
    size_t i = Home(id);
    while (table_[i] != 0 && table_[i] != id) i = (i + 1) & (table_.size() - 1);
    table_[i] = id;
  }
  bool Contains(int64_t id) const {
    for (size_t i = Home(id);; i = (i + 1) & (table_.size() - 1)) {
      if (table_[i] == id) return true;
      if (table_[i] == 0) return false;
    }
  }
  static ExcludedIds& ForThisThread() {
    thread_local ExcludedIds ids;
    return ids;
  }

 private:
  size_t Home(int64_t id) const {
    return static_cast<size_t>((static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  std::vector<int64_t> table_;
  int shift_ = 64;
};

// A 16 KB filter over the busy ids, so most postings skip the exclusion set.
constexpr int kBusyFilterBits = 17;
uint32_t BusyFilterBit(int64_t id) {
  return static_cast<uint32_t>((static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >>
                               (64 - kBusyFilterBits));
}
bool TestBit(const uint64_t* bits, uint32_t i) {
  return (bits[i >> 6] >> (i & 63)) & 1;
}

}  // namespace

struct IndexState::Query {
  const PreparedRequest* request = nullptr;
  std::vector<GeoGrid::RowSpan> spans;
  double chord_sq_limit = 0;
  uint16_t cert_day = 0;
  std::span<const WeekInterval> required;
  uint16_t first_day = 0;  // clamped like Posting::away_from
  uint16_t last_day = 0;
  const ExcludedIds* busy = nullptr;  // null when nobody is busy
  std::vector<uint64_t> busy_filter;  // its filter
  PatternVerdicts* verdicts = nullptr;
  // With an area filter: allowed[interned area] (empty = every area).
  std::vector<uint8_t> area_allowed;
};

template <typename T>
uint32_t IndexState::Pool<T>::Append(const T* items, size_t n) {
  const uint32_t at = static_cast<uint32_t>(data.size());
  data.insert(data.end(), items, items + n);
  return at;
}

uint64_t IndexState::RecordKey::operator()(uint32_t slot) const {
  return static_cast<uint64_t>((*records)[slot].id);
}

uint32_t IndexState::AllocateSlot(int64_t id) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(records_.size());
    records_.emplace_back();
  }
  records_[slot].id = id;
  by_id_.Insert(slot, RecordKey{&records_});
  return slot;
}

uint16_t IndexState::InternSkill(const std::string& code) {
  auto [it, added] = skill_ids_.emplace(code, static_cast<uint16_t>(skill_codes_.size()));
  if (added) {
    skill_codes_.push_back(code);
    grids_.emplace_back();
  }
  return it->second;
}

uint16_t IndexState::InternArea(const std::string& code) {
  auto [it, added] = area_ids_.emplace(code, static_cast<uint16_t>(area_codes_.size()));
  if (added) area_codes_.push_back(code);
  return it->second;
}

PostingGrid& IndexState::GridFor(uint16_t skill, uint8_t level) {
  std::vector<PostingGrid>& levels = grids_[skill];
  if (levels.size() <= level) levels.resize(size_t{level} + 1);
  return levels[level];
}

Status IndexState::Upsert(const Reservist& reservist) {
  if (reservist.id <= 0) return Status::InvalidArgument("id", "must be > 0 to be indexed");
  const ReservistFacts facts = ReservistFacts::FromReservist(reservist);
  if (facts.skills.size() > kMaxPerReservist || facts.unavailable.size() > kMaxPerReservist) {
    return Status::InvalidArgument(
        "reservist", fmt::format("more than {} skills or unavailable periods", kMaxPerReservist));
  }
  if (skill_codes_.size() + facts.skills.size() > 0xFFFF) {
    return Status::FailedPrecondition("too many distinct skill codes");
  }
  if (area_codes_.size() >= 0xFFFF && !area_ids_.contains(reservist.home_area)) {
    return Status::FailedPrecondition("too many distinct home areas");
  }
  uint32_t slot = by_id_.Find(static_cast<uint64_t>(reservist.id), RecordKey{&records_});
  if (slot == OpenHashIndex::kNone) {
    slot = AllocateSlot(reservist.id);
  } else {
    RemovePostings(slot);
    ReleasePools(slot);
  }
  Store(slot, reservist, facts);
  AddPostings(slot);
  MaybeCompactPools();
  return Status::Ok();
}

void IndexState::Store(uint32_t slot, const Reservist& reservist, const ReservistFacts& facts) {
  Record& rec = records_[slot];
  rec.max_travel_km = facts.max_travel_km;
  rec.home = facts.home;
  rec.cell = GeoGrid::CellOf(reservist.lat, reservist.lon);
  rec.status = static_cast<uint8_t>(facts.status);
  rec.area = InternArea(reservist.home_area);
  std::vector<HeldSkill> held;
  held.reserve(facts.skills.size());
  for (const ReservistFacts::Holding& h : facts.skills) {
    held.push_back({InternSkill(h.skill), static_cast<uint8_t>(std::clamp(h.level, 0, 255)),
                    h.cert_expires ? h.cert_expires->days : kNeverExpires});
  }
  rec.skills_at = skills_.Append(held.data(), held.size());
  rec.skills_n = static_cast<uint8_t>(held.size());
  rec.pattern = patterns_.Intern(facts.windows);
  rec.unavailable_at = unavailable_.Append(facts.unavailable.data(), facts.unavailable.size());
  rec.unavailable_n = static_cast<uint8_t>(facts.unavailable.size());
}

void IndexState::AddPostings(uint32_t slot) {
  const Record& rec = records_[slot];
  if (rec.status != static_cast<uint8_t>(ReservistStatus::kActive)) return;
  const AwaySpan away = AwaySpanOf(rec);
  for (uint32_t i = 0; i < rec.skills_n; ++i) {
    const HeldSkill& h = skills_.data[rec.skills_at + i];
    GridFor(h.skill, h.level)
        .ListAt(rec.cell)
        .push_back({rec.id, rec.home, rec.pattern | (away.exact ? 0 : Posting::kAwayInexactBit),
                    PostingDay(h.cert_day), MaxTravel16th(rec.max_travel_km), away.from,
                    away.until});
  }
}

void IndexState::RemovePostings(uint32_t slot) {
  const Record& rec = records_[slot];
  for (uint32_t i = 0; i < rec.skills_n; ++i) {
    const HeldSkill& h = skills_.data[rec.skills_at + i];
    std::vector<Posting>* postings = GridFor(h.skill, h.level).FindList(rec.cell);
    if (!postings) continue;  // suspended: never posted
    auto it = std::find_if(postings->begin(), postings->end(),
                           [&rec](const Posting& p) { return p.id == rec.id; });
    if (it == postings->end()) continue;
    *it = postings->back();
    postings->pop_back();
  }
}

void IndexState::ReleasePools(uint32_t slot) {
  const Record& rec = records_[slot];
  patterns_.Release(rec.pattern);
  skills_.garbage += rec.skills_n;
  unavailable_.garbage += rec.unavailable_n;
}

bool IndexState::Remove(int64_t id) {
  const uint32_t slot = by_id_.Find(static_cast<uint64_t>(id), RecordKey{&records_});
  if (slot == OpenHashIndex::kNone) return false;
  RemovePostings(slot);
  ReleasePools(slot);
  by_id_.Erase(static_cast<uint64_t>(id), RecordKey{&records_});
  records_[slot] = Record{};
  free_slots_.push_back(slot);
  MaybeCompactPools();
  return true;
}

void IndexState::MaybeCompactPools() {
  const size_t garbage = skills_.garbage + unavailable_.garbage;
  const size_t held = skills_.data.size() + unavailable_.data.size();
  if (garbage < 4096 || garbage * 2 < held) return;
  Pool<HeldSkill> skills;
  Pool<DayRange> unavailable;
  for (Record& rec : records_) {
    if (rec.id == 0) continue;
    rec.skills_at = skills.Append(skills_.data.data() + rec.skills_at, rec.skills_n);
    rec.unavailable_at =
        unavailable.Append(unavailable_.data.data() + rec.unavailable_at, rec.unavailable_n);
  }
  skills_ = std::move(skills);
  unavailable_ = std::move(unavailable);
}

void IndexState::ShrinkToFit() {
  records_.shrink_to_fit();
  free_slots_.shrink_to_fit();
  for (auto& levels : grids_) {
    for (PostingGrid& grid : levels) grid.ShrinkToFit();
  }
  skills_.data.shrink_to_fit();
  unavailable_.data.shrink_to_fit();
}

IndexMemory IndexState::Memory() const {
  IndexMemory m;
  m.reservists = size();
  m.records = records_.capacity() * sizeof(Record) + free_slots_.capacity() * sizeof(uint32_t);
  for (const auto& levels : grids_) {
    m.postings += levels.capacity() * sizeof(PostingGrid);
    for (const PostingGrid& grid : levels) m.postings += grid.MemoryBytes();
  }
  m.pools = patterns_.MemoryBytes() + skills_.data.capacity() * sizeof(HeldSkill) +
            unavailable_.data.capacity() * sizeof(DayRange);
  m.hash_tables = by_id_.MemoryBytes();
  for (const std::string& code : skill_codes_) {
    m.hash_tables += 2 * (sizeof(std::string) + code.size() + 16);
  }
  return m;
}

std::optional<ReservistFacts> IndexState::Find(int64_t id) const {
  const uint32_t slot = by_id_.Find(static_cast<uint64_t>(id), RecordKey{&records_});
  if (slot == OpenHashIndex::kNone) return std::nullopt;
  const Record& rec = records_[slot];
  ReservistFacts f;
  f.id = rec.id;
  f.home_area = area_codes_[rec.area];
  f.status = static_cast<ReservistStatus>(rec.status);
  f.home = rec.home;
  f.max_travel_km = rec.max_travel_km;
  for (uint32_t i = 0; i < rec.skills_n; ++i) {
    const HeldSkill& h = skills_.data[rec.skills_at + i];
    std::optional<Date> expires;
    if (h.cert_day != kNeverExpires) expires = Date{h.cert_day};
    f.skills.push_back({skill_codes_[h.skill], h.level, expires});
  }
  const std::span<const WeekInterval> windows = patterns_.Get(rec.pattern);
  f.windows.assign(windows.begin(), windows.end());
  f.unavailable.assign(unavailable_.data.begin() + rec.unavailable_at,
                       unavailable_.data.begin() + rec.unavailable_at + rec.unavailable_n);
  return f;
}

// The hot loop. Everything it reads for a posting is in the posting or in
// small per-query tables, except the exclusion bitmap (large: one bit per
// reservist), read only for the few postings that may be excluded (dated
// unavailability, or a hit in the small busy filter), and the weekly
// pattern's verdict (memoised per query, prefetched).
void IndexState::CollectList(const Query& q, const std::vector<Posting>& postings, int level,
                             std::vector<EligibleCandidate>& out) const {
  const GeoPoint centre = q.request->centre;
  const double radius = q.request->radius_km;
  const size_t n = postings.size();
  for (size_t i = 0; i < n; ++i) {
    // Weekly patterns are scattered in memory: ask for them early.
    if (i + kPatternLookahead < n) {
      const uint32_t ahead = postings[i + kPatternLookahead].pattern();
      q.verdicts->Prefetch(ahead);
      patterns_.Prefetch(ahead);
    }
    const Posting& p = postings[i];
    if (p.cert_day < q.cert_day) continue;
    const double chord_sq = ChordSquared(p.home, centre);
    if (chord_sq > q.chord_sq_limit) continue;
    const double max_travel = p.max_travel_16th != Posting::kMaxTravelInRecord
                                  ? p.max_travel_16th * 0.0625  // exact
                                  : RecordOf(p.id).max_travel_km;
    // The distance is at least R * chord: drop those surely beyond their max
    // travel now, and leave the asin for the few who pass every rule.
    if (chord_sq * kEarthRadiusSq > max_travel * max_travel * (1 + 1e-9)) continue;
    if (q.busy && TestBit(q.busy_filter.data(), BusyFilterBit(p.id)) && q.busy->Contains(p.id)) {
      continue;
    }
    if (p.pattern() != WindowPatterns::kAnyTime &&
        !q.verdicts->Covers(patterns_, p.pattern(), q.required)) {
      continue;
    }
    // Last: an inexact span costs a look at the record.
    if (p.away_from <= q.last_day && p.away_until >= q.first_day &&
        (!p.away_inexact() || AwayDuring(RecordOf(p.id), q))) {
      continue;
    }
    const double d = ChordSquaredToKm(chord_sq);  // the exact tests
    if (d > radius || d > max_travel) continue;
    // Area scoping is rare and only costs a record look-up for the eligible.
    if (!q.area_allowed.empty() && !q.area_allowed[RecordOf(p.id).area]) continue;
    out.push_back({p.id, d, level});
  }
}

void IndexState::CollectOne(const Query& q, size_t r, std::vector<EligibleCandidate>& out,
                            CollectStats& stats) const {
  const ResolvedRequirement& req = q.request->requirements[r];
  auto skill = skill_ids_.find(req.skill);
  if (skill == skill_ids_.end()) return;
  const std::vector<PostingGrid>& levels = grids_[skill->second];
  // The lists are many and short: gather them, then fetch each one's head
  // while the previous one is scanned.
  thread_local std::vector<std::pair<const std::vector<Posting>*, int>> lists;
  lists.clear();
  for (size_t level = static_cast<size_t>(std::max(req.min_level, 0)); level < levels.size();
       ++level) {
    levels[level].ForEachList(q.spans, [&](const std::vector<Posting>& postings) {
      lists.emplace_back(&postings, static_cast<int>(level));
    });
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (i + 1 < lists.size()) {
      const char* next = reinterpret_cast<const char*>(lists[i + 1].first->data());
      for (int line = 0; line < 4; ++line) __builtin_prefetch(next + 64 * line);
    }
    stats.postings += static_cast<int64_t>(lists[i].first->size());
    CollectList(q, *lists[i].first, lists[i].second, out);
  }
  stats.lists += static_cast<int64_t>(lists.size());
}

const IndexState::Record& IndexState::RecordOf(int64_t id) const {
  return records_[by_id_.Find(static_cast<uint64_t>(id), RecordKey{&records_})];
}

IndexState::AwaySpan IndexState::AwaySpanOf(const Record& rec) const {
  AwaySpan span;
  if (rec.unavailable_n == 0) return span;
  std::vector<DayRange> periods(unavailable_.data.begin() + rec.unavailable_at,
                                unavailable_.data.begin() + rec.unavailable_at + rec.unavailable_n);
  std::sort(periods.begin(), periods.end(),
            [](const DayRange& a, const DayRange& b) { return a.from < b.from; });
  int32_t reach = periods[0].until.days;  // end of the covered run so far
  for (const DayRange& u : periods) {
    if (u.from.days > reach + 1) span.exact = false;  // a gap
    reach = std::max(reach, u.until.days);
  }
  const int32_t from = periods[0].from.days;
  span.from = PostingDay(from);
  span.until = PostingDay(reach);
  // Clamped ends (before 1970, after 2149) or an empty period: not exact.
  if (span.from != from || span.until != reach || reach < from) span.exact = false;
  if (reach < from) span.until = span.from;
  return span;
}

bool IndexState::AwayDuring(const Record& rec, const Query& q) const {
  const DayRange* u = unavailable_.data.data() + rec.unavailable_at;
  for (uint32_t i = 0; i < rec.unavailable_n; ++i) {
    if (u[i].from <= q.request->window.last_day() && u[i].until >= q.request->window.first_day()) {
      return true;
    }
  }
  return false;
}

void IndexState::PrepareBusy(const PreparedRequest& request, Query& q) const {
  if (request.busy.empty()) return;
  q.busy_filter.assign(size_t{1} << (kBusyFilterBits - 6), 0);
  ExcludedIds& busy = ExcludedIds::ForThisThread();
  busy.Reset(request.busy.size());
  for (const BusyReservist& b : request.busy) {
    busy.Insert(b.reservist_id);
    const uint32_t bit = BusyFilterBit(b.reservist_id);
    q.busy_filter[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  q.busy = &busy;
}

void IndexState::CollectEligible(const PreparedRequest& request,
                                 std::vector<std::vector<EligibleCandidate>>& out,
                                 CollectStats* stats) const {
  Query q;
  q.request = &request;
  q.spans = GeoGrid::SpansNear(request.lat, request.lon, request.radius_km);
  // Slack so rounding never drops a point the exact test would keep.
  q.chord_sq_limit = KmToChordSquared(request.radius_km) * (1 + 1e-9) + 1e-15;
  q.cert_day = PostingDay(request.window.last_day().days);
  q.required = request.window.required();
  q.verdicts = &PatternVerdicts::ForThisThread();
  q.verdicts->Begin(patterns_.id_limit());
  q.first_day = PostingDay(request.window.first_day().days);
  q.last_day = PostingDay(request.window.last_day().days);
  PrepareBusy(request, q);
  if (!request.areas.empty()) {
    // Areas no reservist has yet are simply absent: nobody matches them.
    q.area_allowed.assign(area_codes_.size() + 1, 0);
    q.area_allowed.back() = 0;  // keeps the vector non-empty when no area is known
    for (const std::string& a : request.areas) {
      if (auto it = area_ids_.find(a); it != area_ids_.end()) q.area_allowed[it->second] = 1;
    }
  }
  CollectStats local;
  out.resize(request.requirements.size());
  for (size_t r = 0; r < request.requirements.size(); ++r) {
    CollectOne(q, r, out[r], local);
    local.eligible += static_cast<int64_t>(out[r].size());
  }
  if (stats) *stats = local;
}

ReadinessMatrix IndexState::Readiness(const ReadinessQuery& query,
                                      const std::vector<std::string>& skills) const {
  // Columns: the skills asked for, by interned code (-1 = not counted).
  std::vector<int> skill_col(skill_codes_.size(), -1);
  for (size_t i = 0; i < skills.size(); ++i) {
    if (auto it = skill_ids_.find(skills[i]); it != skill_ids_.end()) {
      skill_col[it->second] = static_cast<int>(i);
    }
  }
  // Rows: the areas asked for (or every area the index has met).
  std::vector<std::string> areas = query.areas;
  if (areas.empty()) areas = area_codes_;
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  std::vector<int> area_row(area_codes_.size(), -1);
  for (size_t i = 0; i < areas.size(); ++i) {
    if (auto it = area_ids_.find(areas[i]); it != area_ids_.end()) {
      area_row[it->second] = static_cast<int>(i);
    }
  }
  const size_t width = skills.size();
  std::vector<ReadinessCell> cells(areas.size() * width);
  std::vector<int64_t> area_count(areas.size(), 0);

  const ActivationWindow window(query.start_unix, query.end_unix);
  const std::span<const WeekInterval> required = window.required();
  const int32_t first_day = window.first_day().days;
  const int32_t last_day = window.last_day().days;
  const int32_t today = query.today.days;
  PatternVerdicts& verdicts = PatternVerdicts::ForThisThread();
  verdicts.Begin(patterns_.id_limit());
  ReadinessMatrix out;
  for (const Record& rec : records_) {
    if (rec.id == 0) continue;
    const int row = area_row[rec.area];
    if (row < 0) continue;
    ++area_count[static_cast<size_t>(row)];
    ++out.reservists_scanned;
    if (rec.status != static_cast<uint8_t>(ReservistStatus::kActive)) continue;
    int free = -1;  // computed on the first counted holding: 0 or 1
    for (uint32_t i = 0; i < rec.skills_n; ++i) {
      const HeldSkill& h = skills_.data[rec.skills_at + i];
      const int col = skill_col[h.skill];
      if (col < 0 || h.level < query.min_level) continue;
      ReadinessCell& cell = cells[static_cast<size_t>(row) * width + static_cast<size_t>(col)];
      if (h.cert_day < today) {
        ++cell.lapsed;
        continue;
      }
      ++cell.holders;
      if (h.cert_day != kNeverExpires) {
        // Last valid day d: within the next N days when d < today + N.
        const int64_t left = int64_t{h.cert_day} - today;
        cell.expiring_30 += left < 30;
        cell.expiring_90 += left < 90;
      }
      if (h.cert_day < last_day) continue;
      if (free < 0) {
        bool ok = rec.pattern == WindowPatterns::kAnyTime ||
                  verdicts.Covers(patterns_, rec.pattern, required);
        const DayRange* u = unavailable_.data.data() + rec.unavailable_at;
        for (uint32_t k = 0; ok && k < rec.unavailable_n; ++k) {
          if (u[k].from.days <= last_day && u[k].until.days >= first_day) ok = false;
        }
        free = ok ? 1 : 0;
      }
      cell.available += free;
    }
  }
  for (size_t r = 0; r < areas.size(); ++r) {
    // Without an area filter, areas nobody lives in any more are left out.
    if (query.areas.empty() && area_count[r] == 0) continue;
    out.reservists_by_area.emplace_back(areas[r], area_count[r]);
    for (size_t c = 0; c < width; ++c) {
      ReadinessCell& cell = cells[r * width + c];
      cell.area = areas[r];
      cell.skill = skills[c];
      out.cells.push_back(std::move(cell));
    }
  }
  return out;
}

}  // namespace muster
