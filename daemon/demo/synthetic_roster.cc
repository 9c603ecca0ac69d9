#include "demo/synthetic_roster.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>

#include "roster/skill_catalogue_csv.h"

namespace muster {

namespace {

// A town or city, with its approximate population.
struct Town {
  const char* name;
  double lat;
  double lon;
  int64_t population;
  const char* county;  // lower-case, '_' separated: a valid home_area
};

// Approximate populations of the built-up areas (ONS 2011/2021, rounded).
constexpr Town kTowns[] = {
    {"London", 51.5074, -0.1278, 8900000, "greater_london"},
    {"Birmingham", 52.4862, -1.8904, 1145000, "west_midlands"},
    {"Leeds", 53.8008, -1.5491, 793000, "west_yorkshire"},
    {"Sheffield", 53.3811, -1.4701, 585000, "south_yorkshire"},
    {"Manchester", 53.4808, -2.2426, 553000, "greater_manchester"},
    {"Bradford", 53.7960, -1.7594, 537000, "west_yorkshire"},
    {"Liverpool", 53.4084, -2.9916, 498000, "merseyside"},
    {"Bristol", 51.4545, -2.5879, 467000, "bristol"},
    {"Coventry", 52.4068, -1.5197, 372000, "west_midlands"},
    {"Leicester", 52.6369, -1.1398, 355000, "leicestershire"},
    {"Nottingham", 52.9548, -1.1581, 332000, "nottinghamshire"},
    {"Newcastle upon Tyne", 54.9783, -1.6178, 300000, "tyne_and_wear"},
    {"Brighton", 50.8225, -0.1372, 290000, "east_sussex"},
    {"Sunderland", 54.9069, -1.3838, 277000, "tyne_and_wear"},
    {"Plymouth", 50.3755, -4.1427, 264000, "devon"},
    {"Wolverhampton", 52.5862, -2.1288, 263000, "west_midlands"},
    {"Kingston upon Hull", 53.7457, -0.3367, 260000, "east_riding_of_yorkshire"},
    {"Derby", 52.9225, -1.4746, 257000, "derbyshire"},
    {"Stoke-on-Trent", 53.0027, -2.1794, 256000, "staffordshire"},
    {"Southampton", 50.9097, -1.4044, 253000, "hampshire"},
    {"Portsmouth", 50.8198, -1.0880, 238000, "hampshire"},
    {"Milton Keynes", 52.0406, -0.7594, 230000, "buckinghamshire"},
    {"Northampton", 52.2405, -0.9027, 225000, "northamptonshire"},
    {"Luton", 51.8787, -0.4200, 225000, "bedfordshire"},
    {"Swindon", 51.5558, -1.7797, 222000, "wiltshire"},
    {"York", 53.9600, -1.0873, 210000, "north_yorkshire"},
    {"Peterborough", 52.5695, -0.2405, 202000, "cambridgeshire"},
    {"Bournemouth", 50.7192, -1.8808, 197000, "dorset"},
    {"Bolton", 53.5769, -2.4282, 194000, "greater_manchester"},
    {"Southend-on-Sea", 51.5459, 0.7077, 182000, "essex"},
    {"Reading", 51.4543, -0.9781, 174000, "berkshire"},
    {"Warrington", 53.3900, -2.5970, 165000, "cheshire"},
    {"Slough", 51.5105, -0.5950, 164000, "berkshire"},
    {"Oxford", 51.7520, -1.2577, 152000, "oxfordshire"},
    {"Telford", 52.6784, -2.4453, 147000, "shropshire"},
    {"Cambridge", 52.2053, 0.1218, 146000, "cambridgeshire"},
    {"Norwich", 52.6309, 1.2974, 144000, "norfolk"},
    {"Ipswich", 52.0567, 1.1482, 144000, "suffolk"},
    {"Preston", 53.7632, -2.7031, 142000, "lancashire"},
    {"Huddersfield", 53.6458, -1.7850, 141000, "west_yorkshire"},
    {"Middlesbrough", 54.5742, -1.2350, 141000, "north_yorkshire"},
    {"Blackpool", 53.8175, -3.0357, 139000, "lancashire"},
    {"Stockport", 53.4106, -2.1575, 136000, "greater_manchester"},
    {"Gloucester", 51.8642, -2.2382, 130000, "gloucestershire"},
    {"Exeter", 50.7184, -3.5339, 130000, "devon"},
    {"Colchester", 51.8959, 0.8919, 130000, "essex"},
    {"High Wycombe", 51.6287, -0.7482, 120000, "buckinghamshire"},
    {"Crawley", 51.1091, -0.1872, 118000, "west_sussex"},
    {"Cheltenham", 51.8994, -2.0783, 117000, "gloucestershire"},
    {"Blackburn", 53.7486, -2.4875, 117000, "lancashire"},
    {"Maidstone", 51.2720, 0.5292, 113000, "kent"},
    {"Basingstoke", 51.2665, -1.0924, 113000, "hampshire"},
    {"Chelmsford", 51.7356, 0.4685, 111000, "essex"},
    {"Doncaster", 53.5228, -1.1285, 109000, "south_yorkshire"},
    {"Mansfield", 53.1472, -1.1987, 108000, "nottinghamshire"},
    {"Bedford", 52.1356, -0.4685, 106000, "bedfordshire"},
    {"Lincoln", 53.2307, -0.5406, 104000, "lincolnshire"},
    {"Wigan", 53.5450, -2.6325, 103000, "greater_manchester"},
    {"Worcester", 52.1936, -2.2216, 103000, "worcestershire"},
    {"Watford", 51.6565, -0.3903, 102000, "hertfordshire"},
    {"Wakefield", 53.6833, -1.4977, 99000, "west_yorkshire"},
    {"Bath", 51.3811, -2.3590, 94000, "somerset"},
    {"Darlington", 54.5236, -1.5595, 93000, "county_durham"},
    {"Chesterfield", 53.2350, -1.4210, 88000, "derbyshire"},
    {"Nuneaton", 52.5230, -1.4652, 87000, "warwickshire"},
    {"Grimsby", 53.5675, -0.0802, 86000, "lincolnshire"},
    {"Redditch", 52.3094, -1.9409, 85000, "worcestershire"},
    {"St Albans", 51.7527, -0.3394, 82000, "hertfordshire"},
    {"Chester", 53.1934, -2.8931, 79000, "cheshire"},
    {"Guildford", 51.2362, -0.5704, 77000, "surrey"},
    {"Shrewsbury", 52.7073, -2.7553, 76000, "shropshire"},
    {"Carlisle", 54.8925, -2.9329, 75000, "cumbria"},
    {"Harrogate", 53.9921, -1.5418, 75000, "north_yorkshire"},
    {"Crewe", 53.0979, -2.4410, 72000, "cheshire"},
    {"Stafford", 52.8067, -2.1170, 70000, "staffordshire"},
    {"Rugby", 52.3709, -1.2650, 70000, "warwickshire"},
    {"Torquay", 50.4619, -3.5253, 65000, "devon"},
    {"Kettering", 52.3985, -0.7262, 63000, "northamptonshire"},
    {"Hereford", 52.0565, -2.7160, 61000, "herefordshire"},
    {"Scarborough", 54.2799, -0.4046, 61000, "north_yorkshire"},
    {"Taunton", 51.0143, -3.1029, 60000, "somerset"},
    {"Barrow-in-Furness", 54.1108, -3.2261, 56000, "cumbria"},
    {"Kidderminster", 52.3885, -2.2490, 56000, "worcestershire"},
    {"Canterbury", 51.2802, 1.0789, 55000, "kent"},
    {"Lancaster", 54.0466, -2.8007, 52000, "lancashire"},
    {"Leamington Spa", 52.2852, -1.5200, 50000, "warwickshire"},
    {"Durham", 54.7761, -1.5733, 48000, "county_durham"},
    {"Yeovil", 50.9421, -2.6330, 46000, "somerset"},
    {"Winchester", 51.0632, -1.3080, 45000, "hampshire"},
    {"Boston", 52.9789, -0.0266, 45000, "lincolnshire"},
    {"King's Lynn", 52.7543, 0.3976, 43000, "norfolk"},
    {"Salisbury", 51.0688, -1.7945, 41000, "wiltshire"},
    {"Great Yarmouth", 52.6083, 1.7305, 40000, "norfolk"},
    {"Dover", 51.1279, 1.3134, 31000, "kent"},
    {"Stratford-upon-Avon", 52.1917, -1.7073, 30000, "warwickshire"},
    {"Kendal", 54.3280, -2.7463, 29000, "cumbria"},
    {"Chichester", 50.8376, -0.7749, 27000, "west_sussex"},
    {"Workington", 54.6425, -3.5435, 25000, "cumbria"},
    {"Newport", 50.7008, -1.2920, 25000, "isle_of_wight"},
    {"Whitehaven", 54.5483, -3.5870, 24000, "cumbria"},
    {"Barnstaple", 51.0809, -4.0582, 24000, "devon"},
    {"Truro", 50.2632, -5.0510, 21000, "cornwall"},
    {"Penzance", 50.1186, -5.5371, 21000, "cornwall"},
    {"Tewkesbury", 51.9925, -2.1580, 20000, "gloucestershire"},
    {"Dorchester", 50.7154, -2.4367, 19000, "dorset"},
    {"Penrith", 54.6641, -2.7521, 16000, "cumbria"},
    {"Bodmin", 50.4709, -4.7240, 15000, "cornwall"},
    {"Morpeth", 55.1685, -1.6875, 14000, "northumberland"},
    {"Berwick-upon-Tweed", 55.7710, -2.0070, 12000, "northumberland"},
    {"Hexham", 54.9710, -2.1010, 11000, "northumberland"},
    {"Ludlow", 52.3676, -2.7176, 11000, "shropshire"},
    {"Keswick", 54.6013, -3.1347, 5000, "cumbria"},
};

// How often each skill is drawn. Names and level ranges come from the
// default catalogue (deploy/skills-default.csv), which --demo loads, so the
// demo roster always fits the catalogue it is seeded with.
struct SkillProfile {
  const char* code;   // a code of DefaultSkillCatalogue()
  double share;       // probability a reservist holds it
  double cert_share;  // probability a holding carries a certificate
  const char* issuers[2];
};

constexpr SkillProfile kSkills[] = {
    {"first_aid", 0.42, 1.0, {"St John Ambulance", "British Red Cross"}},
    {"welfare", 0.22, 0.3, {"British Red Cross", "Salvation Army"}},
    {"driver_4x4", 0.20, 0.5, {"Lantra", "4x4 Response"}},
    {"flood_warden", 0.12, 0.4, {"Environment Agency", "Local council"}},
    {"search_rescue", 0.10, 0.8, {"Lowland Rescue", "Mountain Rescue"}},
    {"radio_operator", 0.08, 0.5, {"RAYNET", "Ofcom"}},
    {"flood_rescue", 0.08, 1.0, {"DEFRA", "Rescue 3 Europe"}},
    {"chainsaw", 0.06, 1.0, {"City & Guilds NPTC", "Lantra"}},
    {"interpreter", 0.05, 0.0, {"", ""}},
    {"boat_crew", 0.04, 1.0, {"RYA", "RNLI"}},
    {"drone_pilot", 0.03, 1.0, {"CAA", "CAA"}},
};

constexpr const char* kFirstNames[] = {
    "Amelia",    "Oliver",   "Isla",   "George", "Ava",     "Noah",     "Mia",     "Arthur",
    "Ivy",       "Muhammad", "Grace",  "Leo",    "Freya",   "Harry",    "Lily",    "Oscar",
    "Florence",  "Archie",   "Willow", "Henry",  "Emily",   "Theodore", "Sophie",  "Jack",
    "Evie",      "Charlie",  "Poppy",  "Thomas", "Ruby",    "James",    "Priya",   "Aarav",
    "Zara",      "Kwame",    "Chloe",  "Daniel", "Megan",   "Rhys",     "Siobhan", "Tomasz",
    "Agnieszka", "Yusuf",    "Fatima", "Sean",   "Bethany", "Connor",   "Hannah",  "Samuel",
    "Niamh",     "Joseph"};

constexpr const char* kLastNames[] = {
    "Smith",  "Jones",    "Taylor", "Brown",    "Williams", "Wilson",   "Johnson", "Davies",
    "Patel",  "Robinson", "Wright", "Thompson", "Evans",    "Walker",   "White",   "Roberts",
    "Green",  "Hall",     "Thomas", "Clarke",   "Jackson",  "Wood",     "Harris",  "Edwards",
    "Turner", "Martin",   "Cooper", "Hill",     "Ward",     "Hughes",   "Moore",   "Clark",
    "King",   "Harrison", "Lewis",  "Baker",    "Lee",      "Allen",    "Morris",  "Khan",
    "Scott",  "Watson",   "Davis",  "Parker",   "O'Brien",  "Kowalski", "Nowak",   "Okafor",
    "Begum",  "Singh"};

constexpr double kKmPerDegLat = 111.195;

// splitmix64: a small, fast generator with fully specified output, so the
// roster is the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1p-53; }  // [0, 1)
  bool Chance(double p) { return Uniform() < p; }
  int Below(int n) { return static_cast<int>(Uniform() * n); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  double Normal() {  // Box-Muller
    const double u1 = 1.0 - Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  uint64_t state_;
};

Rng RngFor(uint64_t seed, int64_t index) {
  Rng mix(seed ^ (static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ull));
  mix.Next();
  return Rng(mix.Next());
}

double Round6(double v) {
  return std::round(v * 1e6) / 1e6;
}

const Town& NearestTown(double lat, double lon) {
  const double cos_lat = std::cos(lat * std::numbers::pi / 180.0);
  const Town* best = &kTowns[0];
  double best_d = 1e300;
  for (const Town& t : kTowns) {
    const double dy = t.lat - lat;
    const double dx = (t.lon - lon) * cos_lat;
    const double d = dx * dx + dy * dy;
    if (d < best_d) best_d = d, best = &t;
  }
  return *best;
}

void PlaceNear(Reservist& r, double lat, double lon, double east_km, double north_km) {
  r.lat = Round6(std::clamp(lat + north_km / kKmPerDegLat, -89.9, 89.9));
  const double cos_lat = std::cos(r.lat * std::numbers::pi / 180.0);
  double lon_out = lon + east_km / (kKmPerDegLat * cos_lat);
  if (lon_out > 180) lon_out -= 360;
  if (lon_out < -180) lon_out += 360;
  r.lon = Round6(lon_out);
  r.home_area = NearestTown(r.lat, r.lon).county;
}

std::string EmailPart(const char* name) {
  std::string out;
  for (const char* p = name; *p; ++p) {
    if (std::isalpha(static_cast<unsigned char>(*p))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    }
  }
  return out;
}

void AddChannels(Reservist& r, Rng& rng, int64_t index, const char* first, const char* last) {
  const double u = rng.Uniform();
  const int n = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
  const ContactChannel sms{ChannelKind::kSms, fmt::format("+447700900{:03}", rng.Below(1000))};
  const ContactChannel email{
      ChannelKind::kEmail,
      fmt::format("{}.{}.{}@example.org", EmailPart(first), EmailPart(last), index + 1)};
  const ContactChannel hook{ChannelKind::kWebhook,
                            fmt::format("https://hooks.example.org/muster/r/{}", index + 1)};
  const bool sms_first = rng.Chance(0.75);
  r.channels.push_back(sms_first ? sms : email);
  if (n >= 2) r.channels.push_back(rng.Chance(0.1) ? hook : (sms_first ? email : sms));
  if (n >= 3)
    r.channels.push_back(r.channels.back().kind == ChannelKind::kWebhook ? (sms_first ? email : sms)
                                                                         : hook);
}

// The catalogue entry of a profile's code. A code missing from the
// catalogue gets an empty entry (levels 1..1) and then fails roster
// validation, which tests/daemon/ranking/synthetic_roster_test.cc checks.
const Skill& CatalogueEntry(const SkillProfile& s) {
  static const Skill kMissing{};
  for (const Skill& skill : DefaultSkillCatalogue()) {
    if (skill.code == s.code) return skill;
  }
  return kMissing;
}

int DrawLevel(Rng& rng, const SkillProfile& s) {
  const Skill& skill = CatalogueEntry(s);
  int level = skill.min_level;
  while (level < skill.max_level && rng.Chance(0.45)) ++level;
  return level;
}

void AddHolding(Reservist& r, Rng& rng, const SkillProfile& s, Date reference) {
  SkillHolding h{s.code, DrawLevel(rng, s), "", std::nullopt};
  if (rng.Chance(s.cert_share)) {
    h.cert_issuer = s.issuers[rng.Below(2)];
    // Mostly valid for months to three years; about 15% already expired.
    h.cert_expires = Date{reference.days + rng.Between(-200, 1100)};
  }
  r.skills.push_back(std::move(h));
}

void AddSkills(Reservist& r, Rng& rng, Date reference) {
  for (const SkillProfile& s : kSkills) {
    if (rng.Chance(s.share)) AddHolding(r, rng, s, reference);
  }
  if (!r.skills.empty()) return;
  // Everyone holds something: pick one skill in proportion to its share.
  double total = 0;
  for (const SkillProfile& s : kSkills) total += s.share;
  double pick = rng.Uniform() * total;
  for (const SkillProfile& s : kSkills) {
    pick -= s.share;
    if (pick < 0) return AddHolding(r, rng, s, reference);
  }
  AddHolding(r, rng, kSkills[0], reference);
}

void AddDays(Reservist& r, int from_day, int to_day, int start_min, int end_min) {
  for (int d = from_day; d <= to_day; ++d) r.availability.push_back({d, start_min, end_min});
}

void AddRandomWindows(Reservist& r, Rng& rng) {
  const int n = rng.Between(1, 3);
  for (int i = 0; i < n; ++i) {
    const int start = rng.Between(0, 23) * 60 + (rng.Chance(0.5) ? 30 : 0);
    const int end = (start + rng.Between(4, 28) * 30) % 1440;
    r.availability.push_back({rng.Between(1, 7), start, end == 0 ? 1440 : end});
  }
}

void AddAvailability(Reservist& r, Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.49) return;                                     // no windows: available at any time
  if (u < 0.61) return AddDays(r, 1, 5, 18 * 60, 23 * 60);  // weekday evenings
  if (u < 0.71) return AddDays(r, 6, 7, 0, 0);              // weekends, whole days
  if (u < 0.79) return AddDays(r, 5, 6, 22 * 60, 6 * 60);   // Fri/Sat nights
  if (u < 0.87) return AddDays(r, 1, 5, 8 * 60, 18 * 60);   // weekday daytime
  if (u < 0.94) return AddRandomWindows(r, rng);            // irregular
  AddDays(r, 1, 5, 18 * 60, 1440);                          // evenings and weekends
  AddDays(r, 6, 7, 0, 0);
}

void AddUnavailability(Reservist& r, Rng& rng, Date reference) {
  if (!rng.Chance(0.06)) return;
  static constexpr const char* kReasons[] = {"holiday", "illness", "work", ""};
  const int n = rng.Between(1, 2);
  for (int i = 0; i < n; ++i) {
    const int32_t from = reference.days + rng.Between(-30, 90);
    r.unavailable.push_back({Date{from}, Date{from + rng.Between(1, 13)}, kReasons[rng.Below(4)]});
  }
}

double DrawMaxTravel(Rng& rng) {
  static constexpr double kChoices[] = {10, 15, 20, 25, 30, 30, 40, 50, 50, 60, 75, 100};
  return kChoices[rng.Below(12)];
}

}  // namespace

std::vector<Skill> StandardSkillCatalogue() {
  return DefaultSkillCatalogue();
}

SyntheticRoster::SyntheticRoster(SyntheticRosterOptions options) : options_(options) {
  double total = 0;
  for (const Town& t : kTowns) {
    total += static_cast<double>(t.population);
    cumulative_population_.push_back(total);
  }
}

Reservist SyntheticRoster::GenerateNear(int64_t index, double lat, double lon,
                                        double radius_km) const {
  Rng rng = RngFor(options_.seed ^ 0x5EED0F7E3A1Full, index);
  const double angle = 2.0 * std::numbers::pi * rng.Uniform();
  const double dist = radius_km * std::pow(rng.Uniform(), 0.75);
  Reservist r = Generate(index);
  PlaceNear(r, lat, lon, dist * std::cos(angle), dist * std::sin(angle));
  return r;
}

Reservist SyntheticRoster::Generate(int64_t index) const {
  Rng rng = RngFor(options_.seed, index);
  Reservist r;
  r.id = options_.first_id == 0 ? 0 : options_.first_id + index;
  r.external_id = fmt::format("GEN-{:07}", index + 1);
  const char* first = kFirstNames[rng.Below(std::size(kFirstNames))];
  const char* last = kLastNames[rng.Below(std::size(kLastNames))];
  r.name = fmt::format("{} {}", first, last);
  AddChannels(r, rng, index, first, last);
  r.max_travel_km = DrawMaxTravel(rng);
  r.status = rng.Chance(0.02) ? ReservistStatus::kSuspended : ReservistStatus::kActive;
  AddSkills(r, rng, options_.reference_date);
  AddAvailability(r, rng);
  AddUnavailability(r, rng, options_.reference_date);
  // Home: a town drawn by population, then a spread that grows with its size
  // (wider for the fifth of people living out of town).
  const double pick = rng.Uniform() * cumulative_population_.back();
  const size_t t =
      std::upper_bound(cumulative_population_.begin(), cumulative_population_.end(), pick) -
      cumulative_population_.begin();
  const Town& town = kTowns[std::min(t, std::size(kTowns) - 1)];
  double sigma_km = 1.5 + 0.004 * std::sqrt(static_cast<double>(town.population));
  if (rng.Chance(0.2)) sigma_km *= 3;
  PlaceNear(r, town.lat, town.lon, sigma_km * rng.Normal(), sigma_km * rng.Normal());
  return r;
}

std::vector<Reservist> SyntheticRoster::Generate(int64_t first, int64_t count) const {
  std::vector<Reservist> out;
  out.reserve(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = 0; i < count; ++i) out.push_back(Generate(first + i));
  return out;
}

std::vector<Reservist> GenerateAround(double lat, double lon, int count, double radius_km,
                                      uint64_t seed) {
  SyntheticRosterOptions options;
  options.seed = seed;
  options.first_id = 0;
  const SyntheticRoster roster(options);
  std::vector<Reservist> out;
  for (int i = 0; i < count; ++i) out.push_back(roster.GenerateNear(i, lat, lon, radius_km));
  return out;
}

}  // namespace muster
