// NumPy's .npy files (npy.hpp). The header is a Python dict literal; we read exactly the form
// NumPy writes ({'descr': ..., 'fortran_order': ..., 'shape': (...), }), in any key order.
#include "faultline/onnx/npy.hpp"

#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>

#include "faultline/onnx/operators.hpp"
#include "kernel_support.hpp"

namespace faultline::onnx {
namespace {

constexpr std::array<std::uint8_t, 6> kMagic{0x93, 'N', 'U', 'M', 'P', 'Y'};

struct Dtype {
  std::string_view descr;
  ElementType type;
};
constexpr std::array<Dtype, 13> kDtypes{{
    {"<f4", ElementType::float32},
    {"<f8", ElementType::float64},
    {"<f2", ElementType::float16},
    {"|i1", ElementType::int8},
    {"<i2", ElementType::int16},
    {"<i4", ElementType::int32},
    {"<i8", ElementType::int64},
    {"|u1", ElementType::uint8},
    {"<u2", ElementType::uint16},
    {"<u4", ElementType::uint32},
    {"<u8", ElementType::uint64},
    {"|b1", ElementType::boolean},
    {"<u2", ElementType::bfloat16},  // written so; read back as uint16 (NumPy has no bfloat16)
}};

Error malformed(const std::string& what) {
  return Error{Errc::malformed_input, "not a .npy file: " + what};
}

/// Reads the dict literal NumPy writes.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  Result<void> parse(std::string& descr, bool& fortran, std::vector<std::uint64_t>& shape) {
    bool has_descr = false, has_order = false, has_shape = false;
    if (!eat('{')) return malformed("the header is not a dict");
    while (!eat('}')) {
      auto key = quoted();
      if (!key) return key.error();
      if (!eat(':')) return malformed("a key without a value");
      if (*key == "descr") {
        auto value = quoted();
        if (!value) return value.error();
        descr = *value;
        has_descr = true;
      } else if (*key == "fortran_order") {
        if (word("True")) {
          fortran = true;
        } else if (word("False")) {
          fortran = false;
        } else {
          return malformed("fortran_order is not True or False");
        }
        has_order = true;
      } else if (*key == "shape") {
        if (!eat('(')) return malformed("the shape is not a tuple");
        while (!eat(')')) {
          auto dimension = number();
          if (!dimension) return dimension.error();
          shape.push_back(*dimension);
          if (!eat(',') && !peek(')')) return malformed("the shape tuple is cut");
        }
        has_shape = true;
      } else {
        return malformed("an unknown header key '" + *key + "'");
      }
      if (!eat(',') && !peek('}')) return malformed("the header dict is cut");
    }
    skip_space();
    if (at_ != text_.size()) return malformed("bytes after the header dict");
    if (!has_descr || !has_order || !has_shape) return malformed("the header lacks a key");
    return {};
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_])) != 0)
      ++at_;
  }
  bool peek(char c) {
    skip_space();
    return at_ < text_.size() && text_[at_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++at_;
    return true;
  }
  bool word(std::string_view w) {
    skip_space();
    if (text_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    return true;
  }
  Result<std::string> quoted() {
    skip_space();
    if (at_ >= text_.size() || (text_[at_] != '\'' && text_[at_] != '"')) {
      return malformed("a string is expected in the header");
    }
    const char quote = text_[at_++];
    const std::size_t end = text_.find(quote, at_);
    if (end == std::string_view::npos) return malformed("an unterminated string in the header");
    std::string value(text_.substr(at_, end - at_));
    at_ = end + 1;
    return value;
  }
  Result<std::uint64_t> number() {
    skip_space();
    std::uint64_t value = 0;
    const std::size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_])) != 0) {
      value = value * 10 + static_cast<std::uint64_t>(text_[at_++] - '0');
      if (value > (std::uint64_t{1} << 62)) return Error{Errc::out_of_range, "a vast dimension"};
    }
    if (at_ == start) return malformed("a dimension is not a number");
    return value;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

Result<Tensor> parse_npy(ByteView bytes) {
  if (bytes.size() < 10 || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return malformed("no \\x93NUMPY magic");
  }
  const std::uint8_t major = bytes[6];
  std::size_t header_size = 0, start = 0;
  if (major == 1) {
    header_size = bytes[8] | std::size_t{bytes[9]} << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return malformed("the header length is cut");
    header_size = bytes[8] | std::size_t{bytes[9]} << 8 | std::size_t{bytes[10]} << 16 |
                  std::size_t{bytes[11]} << 24;
    start = 12;
  } else {
    return Error{Errc::unsupported, ".npy format version " + std::to_string(major)};
  }
  if (header_size > bytes.size() - start) return malformed("the header is cut");
  const std::string_view header(reinterpret_cast<const char*>(bytes.data() + start), header_size);
  std::string descr;
  bool fortran = false;
  Tensor tensor;
  if (auto parsed = HeaderParser(header).parse(descr, fortran, tensor.shape); !parsed) {
    return parsed.error();
  }
  if (fortran) return Error{Errc::unsupported, "a .npy file in Fortran order"};
  bool known = false;
  for (const Dtype& dtype : kDtypes) {
    if (dtype.descr == descr && !known) {
      tensor.type = dtype.type;
      known = true;
    }
  }
  if (!known) {
    return Error{Errc::unsupported, "the .npy dtype '" + descr +
                                        "' (faultline reads little-endian numbers and bools)"};
  }
  if (!detail::fits_volume(tensor.shape, tensor.type)) {
    return Error{Errc::out_of_range, "a .npy tensor of shape " + detail::shape_text(tensor.shape) +
                                         " exceeds " + std::to_string(kMaxTensorBytes >> 20) +
                                         " MiB"};
  }
  const std::size_t size = *element_count(tensor.shape) * *element_size(tensor.type);
  if (bytes.size() - start - header_size != size) {
    return malformed("its data has " + std::to_string(bytes.size() - start - header_size) +
                     " bytes, its shape " + detail::shape_text(tensor.shape) + " needs " +
                     std::to_string(size));
  }
  tensor.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(start + header_size), bytes.end());
  if (tensor.type == ElementType::boolean) {
    for (const std::uint8_t byte : tensor.data) {
      if (byte > 1) return malformed("a bool that is not 0 or 1");
    }
  }
  return tensor;
}

Bytes encode_npy(const Tensor& tensor) {
  std::string_view descr = "|u1";
  for (const Dtype& dtype : kDtypes) {
    if (dtype.type == tensor.type) {
      descr = dtype.descr;
      break;
    }
  }
  std::string shape;
  for (std::size_t i = 0; i < tensor.shape.size(); ++i)
    shape += (i == 0 ? "" : ", ") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1) shape += ",";  // Python's one-element tuple
  std::string header =
      "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Padded with spaces and a newline so the data starts at a multiple of 64 bytes; format 2.0
  // (a 4-byte length) when the header outgrows 1.0's 2 bytes (ranks in the thousands).
  std::size_t prefix = 10;
  if ((prefix + header.size() + 1 + 63) / 64 * 64 - prefix > 0xffff) prefix = 12;
  const std::size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  Bytes out(kMagic.begin(), kMagic.end());
  out.push_back(prefix == 10 ? 1 : 2);
  out.push_back(0);
  for (std::size_t i = 0; i < prefix - 8; ++i)
    out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), tensor.data.begin(), tensor.data.end());
  return out;
}

}  // namespace faultline::onnx
