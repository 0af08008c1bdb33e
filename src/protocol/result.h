// Failure reasons of an exchange and Result<T>, a value or a Failure (a small abseil StatusOr).
#pragma once

#include <cassert>
#include <string_view>
#include <utility>
#include <variant>

namespace intergas {

// Why one request/reply exchange failed. The enumerator names are the metric labels
// (request_failures_total{type=...}), so keep them in step with METRICS.md.
enum class Failure {
  timeout,      // nothing arrived before the reply deadline
  short_frame,  // some bytes arrived, but fewer than a frame, before the deadline
  checksum,     // Xtreme: the 33rd byte is not the XOR of the 32 data bytes
  implausible,  // a full frame that cannot be proven aligned or holds impossible values
  io,           // the link failed (hang-up, EOF, EIO, ENODEV, reset) during the exchange
  unsupported,  // no reply to a command already marked as one this boiler does not answer
  unconfirmed,  // a reply whose changed fields a confirming read did not repeat (protocol.md 19)
};
inline constexpr int kFailureCount = 7;
inline constexpr Failure kAllFailures[kFailureCount] = {
    Failure::timeout, Failure::short_frame, Failure::checksum,   Failure::implausible,
    Failure::io,      Failure::unsupported, Failure::unconfirmed};

constexpr std::string_view failure_name(Failure f) {
  switch (f) {
    case Failure::timeout:
      return "timeout";
    case Failure::short_frame:
      return "short_frame";
    case Failure::checksum:
      return "checksum";
    case Failure::implausible:
      return "implausible";
    case Failure::io:
      return "io";
    case Failure::unsupported:
      return "unsupported";
    case Failure::unconfirmed:
      return "unconfirmed";
  }
  return "unknown";
}

// Holds a T or a Failure, never neither. Check ok() before using the value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit, as StatusOr
  Result(Failure f) : v_(f) {}               // NOLINT
  Result() = delete;

  bool ok() const { return v_.index() == 0; }
  Failure failure() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Failure> v_;
};

}  // namespace intergas
