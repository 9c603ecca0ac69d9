#include "auth/roles.h"

#include <array>

namespace muster::auth {
namespace {

// THE method -> role table. Keep it in step with proto/muster/v1/*.proto:
// tests/daemon/auth checks every RPC of the protos appears here.
constexpr MethodRule kRules[] = {
    // RosterService: reads for viewers, writes for roster admins.
    // Reads that return contact details are audited (who, what, how many).
    {"/muster.v1.RosterService/GetReservist", Role::kViewer, true, true},
    {"/muster.v1.RosterService/ListReservists", Role::kViewer, true, true},
    {"/muster.v1.RosterService/ExportReservists", Role::kViewer, true, true},
    {"/muster.v1.RosterService/ListSkills", Role::kViewer, false},
    {"/muster.v1.RosterService/UpsertReservist", Role::kRosterAdmin, true},
    {"/muster.v1.RosterService/SuspendReservist", Role::kRosterAdmin, true},
    {"/muster.v1.RosterService/ReactivateReservist", Role::kRosterAdmin, true},
    {"/muster.v1.RosterService/DeleteReservist", Role::kRosterAdmin, true},
    {"/muster.v1.RosterService/UpsertSkill", Role::kRosterAdmin, true},
    {"/muster.v1.RosterService/ImportReservists", Role::kRosterAdmin, true},
    // ActivationService: reads for viewers, call-out decisions for planners.
    {"/muster.v1.ActivationService/PreviewActivation", Role::kViewer, false},
    {"/muster.v1.ActivationService/GetActivation", Role::kViewer, false},
    {"/muster.v1.ActivationService/ListActivations", Role::kViewer, false},
    {"/muster.v1.ActivationService/Explain", Role::kViewer, false},
    {"/muster.v1.ActivationService/GetReadiness", Role::kViewer, false},
    {"/muster.v1.ActivationService/WatchActivation", Role::kViewer, false},
    {"/muster.v1.ActivationService/CreateActivation", Role::kPlanner, true},
    {"/muster.v1.ActivationService/CancelActivation", Role::kPlanner, true},
    {"/muster.v1.ActivationService/StandDownActivation", Role::kPlanner, true},
    {"/muster.v1.ActivationService/RecordAnswer", Role::kPlanner, true},
    // AdminService and AuditService: admin only. A backup copies everyone's
    // contact details, so it is audited although it writes nothing.
    {"/muster.v1.AdminService/Backup", Role::kAdmin, true, true},
    {"/muster.v1.AuditService/ListAudit", Role::kAdmin, false},
    {"/muster.v1.AuditService/VerifyAudit", Role::kAdmin, false},
};

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kPlanner:
      return "planner";
    case Role::kRosterAdmin:
      return "roster-admin";
    case Role::kAdmin:
      return "admin";
  }
  return "admin";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kPlanner, Role::kRosterAdmin, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool RoleAllows(Role have, Role need) {
  return have == Role::kAdmin || need == Role::kViewer || have == need;
}

std::span<const MethodRule> MethodRules() {
  return kRules;
}

MethodRule RuleFor(std::string_view method) {
  for (const MethodRule& rule : kRules) {
    if (rule.method == method) return rule;
  }
  return MethodRule{method, Role::kAdmin, true};
}

bool IsPublicMethod(std::string_view method) {
  return method.starts_with("/grpc.health.v1.Health/") ||
         method.starts_with("/grpc.reflection.v1alpha.ServerReflection/") ||
         method.starts_with("/grpc.reflection.v1.ServerReflection/");
}

}  // namespace muster::auth
