// The one error convention of the library: functions that can meet bad input return
// Result<T>; they never throw for it and never abort. See docs/architecture.md#errors.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace faultline {

/// What kind of failure an Error reports. The CLI maps these to exit codes.
enum class Errc {
  invalid_argument,  ///< a caller-supplied option or parameter is wrong
  malformed_input,   ///< a file or encoding does not parse (ELF, ONNX, state, witness)
  invalid_proof,     ///< a witness or proof is well-formed but does not verify
  out_of_range,      ///< an address, index or size lies outside what is allowed
  not_found,         ///< a named thing (backend, preimage, file) does not exist
  unsupported,       ///< valid input that this build does not handle
  io_error,          ///< the operating system refused a read or write
};

/// Stable lower-case name of an error kind ("invalid_proof").
std::string_view errc_name(Errc code) noexcept;

/// An expected failure caused by input, with a message that names what failed.
struct Error {
  Errc code;
  std::string message;
};

/// Either a value or an Error. Must be checked before the value is used.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error)
      : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(checked()); }  ///< moves out of a temporary
  T* operator->() { return &checked(); }
  const T* operator->() const { return &value(); }

  /// The error; only valid when !ok().
  [[nodiscard]] const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  T& checked() {
    assert(ok() && "Result::value() called on an error");
    return std::get<0>(state_);
  }
  std::variant<T, Error> state_;
};

/// Result of an operation that yields nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : error_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_{Errc::invalid_argument, {}};
  bool failed_ = false;
};

}  // namespace faultline
