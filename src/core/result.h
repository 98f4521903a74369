// Error values shared by every subsystem.
//
// Functions that can fail return Status or Result<T>. An Error carries a
// code that the HTTP layer maps to a status code, and a message that names
// the object involved (job, run, path or pid) and, where there is one, the
// fix. Nothing throws across a module boundary: library exceptions are
// caught where the library is called and turned into an Error.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace webjobs {

enum class ErrorCode {
  kInvalidArgument,  // bad input from a user: HTTP 400
  kNotFound,         // HTTP 404
  kConflict,         // state does not allow the request now: HTTP 409
  kUnauthenticated,  // no valid credentials: HTTP 401
  kPermissionDenied, // valid credentials without the scope the request needs: HTTP 403
  kTooManyRequests,  // too many failed sign-ins from one address: HTTP 429
  kTooLarge,         // input over a configured limit: HTTP 413 or 400
  kUnavailable,      // host shutting down or stopped: HTTP 503
  kIo,               // file system or OS call failed: HTTP 500
  kInternal,         // broken invariant or unexpected library error: HTTP 500
};

// Returns the lower-case name of `code`, as used in logs and JSON errors.
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error InvalidArgument(std::string message) {
  return {ErrorCode::kInvalidArgument, std::move(message)};
}
inline Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
inline Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
inline Error Unauthenticated(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message)};
}
inline Error PermissionDenied(std::string message) {
  return {ErrorCode::kPermissionDenied, std::move(message)};
}
inline Error TooManyRequests(std::string message) {
  return {ErrorCode::kTooManyRequests, std::move(message)};
}
inline Error TooLarge(std::string message) { return {ErrorCode::kTooLarge, std::move(message)}; }
inline Error Unavailable(std::string message) {
  return {ErrorCode::kUnavailable, std::move(message)};
}
inline Error IoError(std::string message) { return {ErrorCode::kIo, std::move(message)}; }
inline Error InternalError(std::string message) {
  return {ErrorCode::kInternal, std::move(message)};
}

// Builds an kIo error "what: strerror(errno_value)".
Error ErrnoError(const std::string& what, int errno_value);

// A value of type T or an Error. Access to the wrong alternative is a
// broken invariant and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace webjobs
