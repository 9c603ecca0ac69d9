// Bearer tokens: configured as the SHA-256 of the token text, each with a
// name (the actor in the audit log) and a role.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "config/config.h"
#include "core/status.h"
#include "digest/hash.h"

namespace muster::auth {

// Who made a call, once authenticated.
struct Principal {
  std::string name;  // token name, or "local" when token checks are off
  Role role = Role::kAdmin;
  std::vector<std::string> areas;  // empty = every area (see roster/area_scope.h)
  bool mutual_aid = false;         // may ask areas outside `areas` for mutual aid
};

// The result of checking one call.
struct Decision {
  Status status;      // ok, Unauthenticated or PermissionDenied
  std::string actor;  // token name; "local" when tokens are off; "anonymous" without a token
  MethodRule rule;    // the method's rule
  // The caller's area scope when accepted: empty = every area.
  std::vector<std::string> areas;
  bool mutual_aid = false;
};

// Immutable after construction; safe to use from many threads.
class TokenAuthenticator {
 public:
  // tokens: already validated by the config (role names, 64 hex digits).
  explicit TokenAuthenticator(const std::vector<TokenConfig>& tokens);

  // False when no tokens are configured: every call is then "local" admin.
  bool enabled() const { return !tokens_.empty(); }

  // The principal whose hash matches token, if any. Every configured hash
  // is compared (constant time each), so timing does not tell which matched.
  std::optional<Principal> Authenticate(std::string_view token) const;

  // Checks a call of `method` carrying the `authorization` header value
  // (empty if absent). Messages say what to do, e.g. "no bearer token: pass
  // --token or set MUSTER_TOKEN".
  Decision Check(std::string_view method, std::string_view authorization) const;

 private:
  struct Entry {
    std::string sha256;
    Principal principal;
  };
  std::vector<Entry> tokens_;
};

}  // namespace muster::auth
