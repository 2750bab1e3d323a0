// NumPy's .npy files (format versions 1 to 3) as tensors: how the CLI takes a model's inputs
// and writes its outputs.
#pragma once

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/onnx/model.hpp"

namespace faultline::onnx {

/// The tensor of a .npy file in C order with a little-endian (or one-byte) dtype among the
/// element types faultline knows. malformed_input for a file that is not .npy or whose data is
/// not its shape's size; unsupported for Fortran order, big-endian data or another dtype;
/// out_of_range for more than kMaxTensorBytes.
[[nodiscard]] Result<Tensor> parse_npy(ByteView bytes);

/// A .npy file of the tensor, format 1.0 (2.0 for a header past 64 KiB); float16 and bfloat16
/// as NumPy's '<f2' and '<u2'.
[[nodiscard]] Bytes encode_npy(const Tensor& tensor);

}  // namespace faultline::onnx
