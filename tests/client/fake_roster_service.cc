#include "client/fake_roster_service.h"

#include <fmt/format.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace muster::client::testing {
namespace {

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

bool Matches(const v1::Reservist& r, const v1::ListReservistsRequest& filter) {
  if (!filter.home_area().empty() && r.home_area() != filter.home_area()) return false;
  if (filter.status() != v1::RESERVIST_STATUS_UNSPECIFIED && r.status() != filter.status()) {
    return false;
  }
  if (filter.skill().empty()) return true;
  return std::any_of(r.skills().begin(), r.skills().end(),
                     [&](const v1::SkillHolding& h) { return h.skill() == filter.skill(); });
}

}  // namespace

FakeRosterService::FakeRosterService() {
  for (auto [code, name, max] :
       {std::tuple{"first_aid", "First aid", 3}, std::tuple{"driver_4x4", "4x4 driver", 2},
        std::tuple{"flood_warden", "Flood warden", 5}}) {
    v1::Skill skill;
    skill.set_code(code);
    skill.set_name(name);
    skill.set_min_level(1);
    skill.set_max_level(max);
    skills_[code] = skill;
  }
}

size_t FakeRosterService::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return reservists_.size();
}

grpc::Status FakeRosterService::Validate(const v1::Reservist& r) {
  if (r.name().empty()) return Invalid("reservist.name: is required");
  if (r.home_area().empty()) return Invalid("reservist.home_area: is required");
  if (r.channels().empty()) return Invalid("reservist.channels: at least one is required");
  if (r.lat() < -90 || r.lat() > 90) {
    return Invalid(fmt::format("reservist.lat: {} is out of range [-90, 90]", r.lat()));
  }
  for (int i = 0; i < r.skills_size(); ++i) {
    auto it = skills_.find(r.skills(i).skill());
    if (it == skills_.end()) {
      return Invalid(
          fmt::format("reservist.skills[{}].skill: unknown skill \"{}\"", i, r.skills(i).skill()));
    }
    if (r.skills(i).level() < it->second.min_level() ||
        r.skills(i).level() > it->second.max_level()) {
      return Invalid(
          fmt::format("reservist.skills[{}].level: {} is out of range", i, r.skills(i).level()));
    }
  }
  return grpc::Status::OK;
}

v1::Reservist* FakeRosterService::Find(const v1::ReservistRef& ref) {
  if (ref.ref_case() == v1::ReservistRef::kId) {
    auto it = reservists_.find(ref.id());
    return it == reservists_.end() ? nullptr : &it->second;
  }
  for (auto& [id, r] : reservists_) {
    if (!r.external_id().empty() && r.external_id() == ref.external_id()) return &r;
  }
  return nullptr;
}

bool FakeRosterService::Store(v1::Reservist r, v1::Reservist* stored) {
  v1::Reservist* existing = nullptr;
  if (r.id() != 0) {
    auto it = reservists_.find(r.id());
    existing = it == reservists_.end() ? nullptr : &it->second;
  } else if (!r.external_id().empty()) {
    v1::ReservistRef ref;
    ref.set_external_id(r.external_id());
    existing = Find(ref);
  }
  ++clock_;
  bool created = existing == nullptr;
  if (created) {
    r.set_id(next_id_++);
    r.mutable_created_at()->set_seconds(clock_);
    if (r.status() == v1::RESERVIST_STATUS_UNSPECIFIED) r.set_status(v1::ACTIVE);
  } else {
    r.set_id(existing->id());
    *r.mutable_created_at() = existing->created_at();
    if (r.status() == v1::RESERVIST_STATUS_UNSPECIFIED) r.set_status(existing->status());
  }
  if (r.max_travel_km() == 0) r.set_max_travel_km(50);
  r.mutable_updated_at()->set_seconds(clock_);
  reservists_[r.id()] = r;
  *stored = r;
  return created;
}

grpc::Status FakeRosterService::UpsertReservist(grpc::ServerContext*,
                                                const v1::UpsertReservistRequest* request,
                                                v1::UpsertReservistResponse* response) {
  std::lock_guard<std::mutex> lock(mu_);
  const v1::Reservist& r = request->reservist();
  if (grpc::Status s = Validate(r); !s.ok()) return s;
  if (r.id() != 0 && reservists_.count(r.id()) == 0) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, fmt::format("reservist {} not found", r.id()));
  }
  if (!r.external_id().empty()) {
    v1::ReservistRef ref;
    ref.set_external_id(r.external_id());
    v1::Reservist* other = Find(ref);
    if (other != nullptr && r.id() != 0 && other->id() != r.id()) {
      return grpc::Status(
          grpc::StatusCode::ALREADY_EXISTS,
          fmt::format("external id {} belongs to reservist {}", r.external_id(), other->id()));
    }
  }
  response->set_created(Store(r, response->mutable_reservist()));
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::GetReservist(grpc::ServerContext*,
                                             const v1::GetReservistRequest* request,
                                             v1::Reservist* response) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::Reservist* r = Find(request->ref());
  if (r == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such reservist");
  *response = *r;
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::ListReservists(grpc::ServerContext*,
                                               const v1::ListReservistsRequest* request,
                                               v1::ListReservistsResponse* response) {
  std::lock_guard<std::mutex> lock(mu_);
  int page_size = request->page_size() == 0 ? 100 : request->page_size();
  if (page_size > 1000) return Invalid("page_size: at most 1000");
  int64_t after = request->page_token().empty() ? 0 : std::stoll(request->page_token());
  int64_t total = 0;
  for (const auto& [id, r] : reservists_) {
    if (!Matches(r, *request)) continue;
    ++total;
    if (id <= after) continue;
    if (response->reservists_size() < page_size) {
      *response->add_reservists() = r;
    } else if (response->next_page_token().empty()) {
      response->set_next_page_token(std::to_string(response->reservists().rbegin()->id()));
    }
  }
  response->set_total(total);
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::ExportReservists(grpc::ServerContext*,
                                                 const v1::ListReservistsRequest* request,
                                                 grpc::ServerWriter<v1::Reservist>* writer) {
  std::vector<v1::Reservist> matches;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, r] : reservists_) {
      if (Matches(r, *request)) matches.push_back(r);
    }
  }
  for (const v1::Reservist& r : matches) writer->Write(r);
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::SetStatus(const v1::ReservistRef& ref, v1::ReservistStatus status,
                                          v1::Reservist* response) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::Reservist* r = Find(ref);
  if (r == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such reservist");
  r->set_status(status);
  *response = *r;
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::SuspendReservist(grpc::ServerContext*,
                                                 const v1::SetReservistStatusRequest* request,
                                                 v1::Reservist* response) {
  return SetStatus(request->ref(), v1::SUSPENDED, response);
}

grpc::Status FakeRosterService::ReactivateReservist(grpc::ServerContext*,
                                                    const v1::SetReservistStatusRequest* request,
                                                    v1::Reservist* response) {
  return SetStatus(request->ref(), v1::ACTIVE, response);
}

grpc::Status FakeRosterService::DeleteReservist(grpc::ServerContext*,
                                                const v1::DeleteReservistRequest* request,
                                                v1::DeleteReservistResponse*) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::Reservist* r = Find(request->ref());
  if (r == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such reservist");
  reservists_.erase(r->id());
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::ListSkills(grpc::ServerContext*, const v1::ListSkillsRequest*,
                                           v1::ListSkillsResponse* response) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [code, skill] : skills_) {
    *response->add_skills() = skill;
    int64_t holders = 0;
    for (const auto& [id, r] : reservists_) {
      for (const auto& h : r.skills()) holders += h.skill() == code;
    }
    response->add_holders(holders);
  }
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::UpsertSkill(grpc::ServerContext*,
                                            const v1::UpsertSkillRequest* request,
                                            v1::Skill* response) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::Skill skill = request->skill();
  if (skill.name().empty()) return Invalid("skill.name: is required");
  if (skill.min_level() == 0) skill.set_min_level(1);
  if (skill.max_level() == 0) skill.set_max_level(5);
  skills_[skill.code()] = skill;
  *response = skill;
  return grpc::Status::OK;
}

grpc::Status FakeRosterService::ImportReservists(grpc::ServerContext* context,
                                                 grpc::ServerReader<v1::ImportRequest>* reader,
                                                 v1::ImportSummary* summary) {
  ++import_calls;
  v1::ImportRequest request;
  v1::ImportOptions options;
  std::vector<v1::ImportRow> good;
  std::vector<v1::RowError> errors;
  std::set<std::string> seen_external_ids;
  bool first = true;
  while (reader->Read(&request)) {
    if (request.has_options()) {
      if (!first) return Invalid("options must come first");
      options = request.options();
    }
    first = false;
    if (!request.has_chunk()) continue;
    ++chunks_received;
    while (stall_import && !context->IsCancelled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    for (const v1::RowError& e : request.chunk().unparsed()) errors.push_back(e);
    std::lock_guard<std::mutex> lock(mu_);
    for (const v1::ImportRow& row : request.chunk().rows()) {
      grpc::Status s = Validate(row.reservist());
      const std::string& ext = row.reservist().external_id();
      if (s.ok() && !ext.empty() && !seen_external_ids.insert(ext).second) {
        s = Invalid("external_id: appears twice in this import");
      }
      if (s.ok()) {
        good.push_back(row);
        continue;
      }
      v1::RowError e;
      e.set_line(row.line());
      std::string message = s.error_message();
      size_t colon = message.find(": ");
      e.set_field(message.substr(0, colon));
      e.set_message(message.substr(colon + 2));
      errors.push_back(e);
    }
  }
  summary->set_received(static_cast<int64_t>(good.size() + errors.size()));
  summary->set_rejected(static_cast<int64_t>(errors.size()));
  std::sort(errors.begin(), errors.end(),
            [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });
  for (const v1::RowError& e : errors) *summary->add_errors() = e;
  bool commit = !options.dry_run() && !(options.atomic() && !errors.empty());
  std::lock_guard<std::mutex> lock(mu_);
  for (const v1::ImportRow& row : good) {
    v1::ReservistRef ref;
    ref.set_external_id(row.reservist().external_id());
    bool exists = !row.reservist().external_id().empty() && Find(ref) != nullptr;
    summary->set_created(summary->created() + (exists ? 0 : 1));
    summary->set_updated(summary->updated() + (exists ? 1 : 0));
    if (commit) {
      v1::Reservist stored;
      v1::Reservist r = row.reservist();
      r.set_id(0);
      Store(r, &stored);
    }
  }
  summary->set_committed(commit);
  return grpc::Status::OK;
}

FakeServer::FakeServer() {
  grpc::ServerBuilder builder;
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  channel_ = server_->InProcessChannel(grpc::ChannelArguments());
}

FakeServer::~FakeServer() {
  server_->Shutdown();
}

}  // namespace muster::client::testing
