// The byte encodings the ONNX backend commits to (the graph's commitment, a trace's operations,
// tensors as preimages): integers 8 bytes big-endian, strings as their length then their bytes.
// One writer and one bounded reader, so the encoder and the decoder cannot drift apart.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline::onnx::detail {

class Writer {
 public:
  void u8(std::uint8_t value) { out_.push_back(value); }
  void u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(value >> shift));
  }
  void text(std::string_view value) {
    u64(value.size());
    out_.insert(out_.end(), value.begin(), value.end());
  }
  void raw(ByteView value) { out_.insert(out_.end(), value.begin(), value.end()); }
  /// Its length, then its bytes.
  void blob(ByteView value) {
    u64(value.size());
    raw(value);
  }

  [[nodiscard]] const Bytes& bytes() const noexcept { return out_; }
  [[nodiscard]] Bytes take() noexcept { return std::move(out_); }

 private:
  Bytes out_;
};

/// Reads what Writer wrote. The first read past the end sets an error (named after `what`) and
/// every later read returns zeros, so a decoder checks ok() once where it is convenient.
class Reader {
 public:
  Reader(ByteView bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}

  std::uint8_t u8() {
    if (!take(1)) return 0;
    return bytes_[at_ - 1];
  }
  std::uint64_t u64() {
    if (!take(8)) return 0;
    std::uint64_t value = 0;
    for (std::size_t i = at_ - 8; i < at_; ++i)
      value = value << 8 | bytes_[i];
    return value;
  }
  std::string text() {
    const ByteView view = blob();
    return {view.begin(), view.end()};
  }
  ByteView raw(std::uint64_t size) {
    if (!take(size)) return {};
    return bytes_.subspan(at_ - size, size);
  }
  ByteView blob() { return raw(u64()); }
  Hash hash() {
    Hash out{};
    const ByteView view = raw(32);
    if (!view.empty()) std::memcpy(out.data(), view.data(), 32);
    return out;
  }

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  /// The error of a count larger than the bytes left could hold.
  [[nodiscard]] Error cut() const { return Error{Errc::malformed_input, what_ + " is cut"}; }
  [[nodiscard]] std::uint64_t remaining() const noexcept { return bytes_.size() - at_; }
  /// The error of a read past the end, or of bytes left over once the decoder is done.
  [[nodiscard]] Result<void> finish() const {
    if (!ok_) return Error{Errc::malformed_input, what_ + " ends early"};
    if (at_ != bytes_.size()) {
      return Error{Errc::malformed_input,
                   what_ + " has " + std::to_string(remaining()) + " bytes too many"};
    }
    return {};
  }

 private:
  bool take(std::uint64_t size) {
    if (!ok_ || size > bytes_.size() - at_) {
      ok_ = false;
      at_ = bytes_.size();
      return false;
    }
    at_ += size;
    return true;
  }

  ByteView bytes_;
  std::string what_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace faultline::onnx::detail
