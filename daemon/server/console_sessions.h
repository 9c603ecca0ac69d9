// ConsoleSessions: the planner console's signed-in sessions, in memory (a
// restart signs everyone out). A session is made by exchanging a bearer
// token (docs/console.md) and is then named by an unguessable cookie value;
// it carries that token on to every gRPC call it makes, so the token's
// role and areas decide what the session may do, and a CSRF token that
// every request made with the cookie must repeat. A session unused for
// longer than the idle timeout is gone. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace muster {

struct ConsoleSession {
  std::string id;                  // the cookie value: 64 hex digits from OpenSSL's RAND_bytes
  std::string csrf;                // 64 hex digits, sent back in X-CSRF-Token
  std::string authorization;       // "Bearer <token>" ("" with token checks off)
  std::string actor;               // the token's name ("local" with token checks off)
  std::string role;                // "viewer", "planner", "roster-admin", "admin"
  std::vector<std::string> areas;  // empty = every area
  int64_t last_used_ms = 0;
};

class ConsoleSessions {
 public:
  // At most max_sessions live at once: beyond it the least recently used
  // is signed out to make room.
  ConsoleSessions(const Clock& clock, std::chrono::seconds idle_timeout,
                  std::size_t max_sessions = 10000);

  // A new session for an authenticated token. Throws std::runtime_error
  // when the random source fails (no session is better than a guessable one).
  ConsoleSession Create(std::string authorization, std::string actor, std::string role,
                        std::vector<std::string> areas);

  // The live session `id` names, marked as used now; nullopt when no
  // session has that id or it has been idle longer than the timeout (it is
  // then removed).
  std::optional<ConsoleSession> Use(std::string_view id);

  // Signs a session out. False when there was none.
  bool Remove(std::string_view id);

  std::size_t size() const;
  std::chrono::seconds idle_timeout() const { return idle_timeout_; }

 private:
  void DropExpiredLocked(int64_t now_ms);

  const Clock& clock_;
  const std::chrono::seconds idle_timeout_;
  const std::size_t max_sessions_;
  mutable std::mutex mu_;
  // Keyed by the SHA-256 of the id, so the lookup's timing says nothing
  // about how much of a guessed id was right.
  std::map<std::string, ConsoleSession> sessions_;
};

// 64 hex digits from OpenSSL's RAND_bytes (throws std::runtime_error on
// failure).
std::string RandomHex32();

}  // namespace muster
