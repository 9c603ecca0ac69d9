#include "auth/tokens.h"

#include <fmt/format.h>

#include <cctype>

namespace muster::auth {

TokenAuthenticator::TokenAuthenticator(const std::vector<TokenConfig>& tokens) {
  for (const TokenConfig& t : tokens) {
    std::string hash = t.sha256;
    for (char& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    tokens_.push_back(Entry{
        hash, Principal{t.name, ParseRole(t.role).value_or(Role::kViewer), t.areas, t.mutual_aid}});
  }
}

std::optional<Principal> TokenAuthenticator::Authenticate(std::string_view token) const {
  std::string presented = Sha256Hex(token);
  std::optional<Principal> found;
  for (const Entry& e : tokens_) {
    if (ConstantTimeEquals(presented, e.sha256) && !found) found = e.principal;
  }
  return found;
}

Decision TokenAuthenticator::Check(std::string_view method, std::string_view authorization) const {
  Decision d;
  d.rule = RuleFor(method);
  if (!enabled()) {
    d.actor = "local";
    return d;
  }
  if (IsPublicMethod(method)) {
    d.actor = "anonymous";
    return d;
  }
  if (authorization.empty()) {
    d.actor = "anonymous";
    d.status = Status::Unauthenticated(
        "no bearer token: this musterd requires one (musterctl --token or MUSTER_TOKEN)");
    return d;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    d.actor = "anonymous";
    d.status = Status::Unauthenticated("authorization metadata must be 'Bearer <token>'");
    return d;
  }
  std::optional<Principal> who = Authenticate(authorization.substr(kBearer.size()));
  if (!who) {
    d.actor = "unknown-token";
    d.status = Status::Unauthenticated("the bearer token is not known to this musterd");
    return d;
  }
  d.actor = who->name;
  d.areas = who->areas;
  d.mutual_aid = who->mutual_aid;
  if (!RoleAllows(who->role, d.rule.required)) {
    d.status = Status::PermissionDenied(
        fmt::format("token '{}' has role {}; {} needs role {}{}", who->name, RoleName(who->role),
                    method.empty() ? "this call" : method.substr(method.rfind('/') + 1),
                    RoleName(d.rule.required), d.rule.required == Role::kAdmin ? "" : " or admin"));
  }
  return d;
}

}  // namespace muster::auth
