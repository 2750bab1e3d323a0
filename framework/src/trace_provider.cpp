// Default batch query for trace providers.
#include "faultline/trace_provider.hpp"

namespace faultline {

Result<std::vector<Hash>> TraceProvider::claims_at(std::span<const std::uint64_t> indices) {
  std::vector<Hash> claims;
  claims.reserve(indices.size());
  for (const std::uint64_t index : indices) {
    auto claim = claim_at(index);
    if (!claim) return claim.error();
    claims.push_back(*claim);
  }
  return claims;
}

}  // namespace faultline
