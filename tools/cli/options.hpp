// Option types shared by the CLI's commands.
#pragma once

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace faultline::cli {

/// A non-negative integer option, parsed strictly: Boost would read "-3" into an unsigned as
/// 2^64 - 3, and accept "7x" as 7.
struct Count {
  std::uint64_t value = 0;
};

// Found by Boost.Program_options through argument-dependent lookup.
inline void validate(boost::any& out, const std::vector<std::string>& tokens, Count*, int) {
  namespace po = boost::program_options;
  po::validators::check_first_occurrence(out);
  const std::string& text = po::validators::get_single_string(tokens);
  Count count;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count.value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw po::invalid_option_value(text);
  }
  out = count;
}

}  // namespace faultline::cli
