// Names of error kinds, stable for JSON output and tests.
#include "faultline/error.hpp"

namespace faultline {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::malformed_input:
      return "malformed_input";
    case Errc::invalid_proof:
      return "invalid_proof";
    case Errc::out_of_range:
      return "out_of_range";
    case Errc::not_found:
      return "not_found";
    case Errc::unsupported:
      return "unsupported";
    case Errc::io_error:
      return "io_error";
  }
  return "unknown";
}

}  // namespace faultline
