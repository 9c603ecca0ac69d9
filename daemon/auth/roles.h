// Roles and the one table that says which role each gRPC method needs.
//
// viewer: read the roster and activations. planner: viewer + activate,
// cancel, stand down, record answers. roster-admin: viewer + roster writes,
// imports and skills. admin: everything (backup, audit). planner and
// roster-admin are siblings: neither includes the other.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace muster::auth {

enum class Role { kViewer, kPlanner, kRosterAdmin, kAdmin };

// "viewer", "planner", "roster-admin", "admin".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// True if a holder of `have` may call a method that needs `need`.
bool RoleAllows(Role have, Role need);

struct MethodRule {
  std::string_view method;  // full gRPC path, "/muster.v1.RosterService/UpsertReservist"
  Role required;
  bool audited;  // recorded in the audit log (every write, backup, reads of personal data)
  // A read that returns contact details (get, list, export, backup): audited
  // when it ends, with the number of rows. Writes (audited, not personal_read)
  // are also recorded before they run (AuthGuard: audit-first).
  bool personal_read = false;
};

// Every RPC musterd serves, one row each.
std::span<const MethodRule> MethodRules();

// The rule for a full method path. Unknown methods (including ones added to
// a proto but not to the table) need admin and are audited.
MethodRule RuleFor(std::string_view method);

// Methods served without any token: the gRPC health check and reflection,
// which reveal nothing about the roster.
bool IsPublicMethod(std::string_view method);

}  // namespace muster::auth
