// How a service learns the area scope of the caller of a call (see
// roster/area_scope.h). The security layer provides it; without one (tests,
// token checks off) every caller sees every area.
#pragma once

#include <functional>

#include "roster/area_scope.h"

namespace grpc {
class ServerContextBase;
}

namespace muster::api {

using ScopeResolver = std::function<AreaScope(const grpc::ServerContextBase&)>;

// The scope of ctx's caller by resolver, or every area when there is none.
inline AreaScope ResolveScope(const ScopeResolver& resolver, const grpc::ServerContextBase* ctx) {
  return resolver && ctx ? resolver(*ctx) : AreaScope::All();
}

}  // namespace muster::api
