// A program's input from the command line's --input values, and an ONNX run's output tensors:
// the one place the CLI knows how a backend's programs take their inputs.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/program.hpp"

namespace faultline::cli {

/// The input preimage of `program`: for a VM program at most one FILE, served as it is (none:
/// empty); for an ONNX model one NAME=FILE for each graph input, FILE a .npy file or else a
/// serialized ONNX TensorProto (the node tests' .pb), encoded as onnx::encode_inputs does.
/// invalid_argument for values of the wrong form, the readers' errors naming the file.
[[nodiscard]] Result<Bytes> program_input(const Program& program,
                                          const std::vector<std::string>& inputs);

/// The --input values of parsed options (none if the option is absent).
template <class Values>
std::vector<std::string> input_values(const Values& values) {
  return values.contains("input") ? values["input"].template as<std::vector<std::string>>()
                                  : std::vector<std::string>{};
}

/// For a machine of the ONNX backend that ran to its end: the graph's outputs. `json`, unless
/// null, gets each one's type, shape, tensor commitment and values (float16 and bfloat16 as
/// their bits); `text` gets a summary (the first values);
/// with `directory` non-empty each is also written there as NAME.npy (characters other than
/// letters, digits, '_' and '-' become '_'; invalid_argument if two outputs would share a file).
/// False for another machine; an error if a file cannot be written.
Result<bool> report_tensors(Machine& machine, nlohmann::ordered_json* json, std::ostream& text,
                            const std::string& directory);

}  // namespace faultline::cli
