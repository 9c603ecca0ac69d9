#include "server/console_sessions.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "auth/tokens.h"
#include "digest/hash.h"

namespace muster {

std::string RandomHex32() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out;
  out.reserve(64);
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

ConsoleSessions::ConsoleSessions(const Clock& clock, std::chrono::seconds idle_timeout,
                                 std::size_t max_sessions)
    : clock_(clock),
      idle_timeout_(idle_timeout),
      max_sessions_(std::max<std::size_t>(1, max_sessions)) {}

ConsoleSession ConsoleSessions::Create(std::string authorization, std::string actor,
                                       std::string role, std::vector<std::string> areas) {
  ConsoleSession s;
  s.id = RandomHex32();
  s.csrf = RandomHex32();
  s.authorization = std::move(authorization);
  s.actor = std::move(actor);
  s.role = std::move(role);
  s.areas = std::move(areas);
  int64_t now = clock_.NowMs();
  s.last_used_ms = now;
  std::lock_guard lock(mu_);
  DropExpiredLocked(now);
  while (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used_ms < oldest->second.last_used_ms) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[Sha256Hex(s.id)] = s;
  return s;
}

std::optional<ConsoleSession> ConsoleSessions::Use(std::string_view id) {
  if (id.empty()) return std::nullopt;
  std::string key = Sha256Hex(id);
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used_ms > idle_timeout_.count() * 1000) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now;
  return it->second;
}

bool ConsoleSessions::Remove(std::string_view id) {
  if (id.empty()) return false;
  std::lock_guard lock(mu_);
  return sessions_.erase(Sha256Hex(id)) > 0;
}

std::size_t ConsoleSessions::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void ConsoleSessions::DropExpiredLocked(int64_t now_ms) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now_ms - it->second.last_used_ms > idle_timeout_.count() * 1000) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace muster
