// One error model for all domain and store code: Status and Result<T>.
// No gRPC types here; api/status_map.h maps Code to grpc::StatusCode.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace muster {

enum class Code {
  kOk,
  kInvalidArgument,     // the caller's input is wrong; message names the field
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a unique key is taken (an idempotency key reused for another request too)
  kFailedPrecondition,  // valid input, but the current state forbids it
  kAborted,             // the operation was cut short (e.g. an import already finished)
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,  // transient: retry may succeed
  kInternal,     // a bug or a broken database
};

// Status is Ok or an error with a code, a message and (optionally) the field
// at fault, e.g. field "reservist.lat". Cheap to move; copyable. Must be
// used: a caller that means to drop one writes (void) and says why.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string field, std::string message) {
    return Status(Code::kInvalidArgument, std::move(message), std::move(field));
  }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status AlreadyExists(std::string field, std::string message) {
    return Status(Code::kAlreadyExists, std::move(message), std::move(field));
  }
  static Status FailedPrecondition(std::string message) {
    return Status(Code::kFailedPrecondition, std::move(message));
  }
  static Status Aborted(std::string message) { return Status(Code::kAborted, std::move(message)); }
  static Status Unauthenticated(std::string message) {
    return Status(Code::kUnauthenticated, std::move(message));
  }
  static Status PermissionDenied(std::string message) {
    return Status(Code::kPermissionDenied, std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(Code::kUnavailable, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // "field: message" when a field is set, else the message.
  std::string ToString() const { return field_.empty() ? message_ : field_ + ": " + message_; }

  // Returns a copy whose field is prefix + "." + field (or prefix alone), used
  // to qualify nested errors: "skills[1]" + "level" -> "skills[1].level".
  Status WithFieldPrefix(const std::string& prefix) const {
    Status s = *this;
    s.field_ = field_.empty() ? prefix : prefix + "." + field_;
    return s;
  }

 private:
  Status(Code code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
};

// Result<T> holds a T or an error Status (never an Ok status); must be used
// like Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace muster

// Early return of an error Status from a function returning Status or Result.
#define MUSTER_RETURN_IF_ERROR(expr) \
  do {                               \
    ::muster::Status _st = (expr);   \
    if (!_st.ok()) return _st;       \
  } while (0)
