// Program helpers shared by every backend.
#include "faultline/program.hpp"

namespace faultline {

Hash Program::absolute_prestate() const {
  // Inputs do not enter the prestate, so an empty oracle gives the same commitment.
  return start(std::make_shared<InMemoryPreimageOracle>())->commitment();
}

}  // namespace faultline
