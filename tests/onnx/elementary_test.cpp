// faultline's elementary functions (elementary.hpp) against MPFR's correctly rounded results:
// every 2^k-th float of their domains, at most 1 ulp off (the measured maximum is reported and
// published in docs/backends/onnx.md), and the special values as C defines them.
#include <mpfr.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>

#include "faultline/onnx/elementary.hpp"

namespace {

namespace el = faultline::onnx::elementary;

/// Distance in units in the last place between two floats of one sign (or both zero).
std::uint64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : ~0ULL;
  const auto order = [](float v) {
    const auto bits = static_cast<std::int64_t>(std::bit_cast<std::uint32_t>(v));
    return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
  };
  const std::int64_t d = order(a) - order(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

/// MPFR's f(x), correctly rounded to float (precision 24, subnormals emulated).
float reference(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), float x) {
  mpfr_t value;
  mpfr_init2(value, 200);
  mpfr_set_flt(value, x, MPFR_RNDN);
  f(value, value, MPFR_RNDN);
  const float out = mpfr_get_flt(value, MPFR_RNDN);
  mpfr_clear(value);
  return out;
}

int mpfr_sigmoid(mpfr_ptr out, mpfr_srcptr x, mpfr_rnd_t rounding) {
  mpfr_t e;
  mpfr_init2(e, 200);
  mpfr_neg(e, x, rounding);
  mpfr_exp(e, e, rounding);
  mpfr_add_ui(e, e, 1, rounding);
  mpfr_ui_div(out, 1, e, rounding);
  mpfr_clear(e);
  return 0;
}

int mpfr_softplus(mpfr_ptr out, mpfr_srcptr x, mpfr_rnd_t rounding) {
  mpfr_exp(out, x, rounding);
  return mpfr_log1p(out, out, rounding);
}

/// The largest distance from MPFR over every `stride`-th float in [low, high].
std::uint64_t max_ulps(float (*ours)(float), int (*theirs)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t),
                       float low, float high, std::uint32_t stride) {
  std::uint64_t worst = 0;
  for (std::uint64_t bits = 0; bits <= 0xffffffffULL; bits += stride) {
    const float x = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    if (!(x >= low && x <= high)) continue;
    worst = std::max(worst, ulps(ours(x), reference(theirs, x)));
  }
  return worst;
}

}  // namespace

TEST_CASE("elementary functions are within 1 ulp of MPFR's correctly rounded results") {
  constexpr std::uint32_t kStride = 4099;  // about a million floats of all magnitudes
  struct Function {
    const char* name;
    float (*ours)(float);
    int (*theirs)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);
    float low, high;
  };
  const Function functions[] = {
      {"exp", el::exp, mpfr_exp, -110.0F, 100.0F},
      {"log", el::log, mpfr_log, 0.0F, std::numeric_limits<float>::max()},
      {"tanh", el::tanh, mpfr_tanh, -20.0F, 20.0F},
      {"sigmoid", el::sigmoid, mpfr_sigmoid, -130.0F, 130.0F},
      {"erf", el::erf, mpfr_erf, -6.0F, 6.0F},
      {"softplus", el::softplus, mpfr_softplus, -130.0F, 60.0F},
      {"expm1", el::expm1, mpfr_expm1, -110.0F, 100.0F},
  };
  for (const Function& f : functions) {
    const std::uint64_t worst = max_ulps(f.ours, f.theirs, f.low, f.high, kStride);
    INFO(f.name);
    CHECK(worst <= 1);
    WARN(f.name << ": at most " << worst << " ulp from MPFR over every " << kStride
                << "th float in [" << f.low << ", " << f.high << "]");
  }
}

TEST_CASE("pow is within 1 ulp of MPFR, and its special cases are C's") {
  std::uint64_t worst = 0;
  for (float x = 0.001F; x < 1000.0F; x *= 1.37F) {
    for (float y = -30.0F; y < 30.0F; y += 0.73F) {
      mpfr_t a, b;
      mpfr_init2(a, 200);
      mpfr_init2(b, 200);
      mpfr_set_flt(a, x, MPFR_RNDN);
      mpfr_set_flt(b, y, MPFR_RNDN);
      mpfr_pow(a, a, b, MPFR_RNDN);
      worst = std::max(worst, ulps(el::pow(x, y), mpfr_get_flt(a, MPFR_RNDN)));
      mpfr_clear(a);
      mpfr_clear(b);
    }
  }
  CHECK(worst <= 1);
  WARN("pow: at most " << worst
                       << " ulp from MPFR on a grid of x in [0.001, 1000), y in [-30, 30)");
  constexpr float kInf = std::numeric_limits<float>::infinity();
  CHECK(el::pow(-2.0F, 3.0F) == -8.0F);
  CHECK(el::pow(-2.0F, 2.0F) == 4.0F);
  CHECK(std::isnan(el::pow(-2.0F, 0.5F)));
  CHECK(el::pow(0.0F, -1.0F) == kInf);
  CHECK(el::pow(-0.0F, -1.0F) == -kInf);
  CHECK(el::pow(std::nanf(""), 0.0F) == 1.0F);
  CHECK(el::pow(1.0F, std::nanf("")) == 1.0F);
  CHECK(el::pow(0.5F, kInf) == 0.0F);
  CHECK(el::pow(2.0F, -kInf) == 0.0F);
  CHECK(el::pow(-kInf, 3.0F) == -kInf);
  CHECK(el::exp(-kInf) == 0.0F);
  CHECK(el::log(0.0F) == -kInf);
  CHECK(std::isnan(el::log(-1.0F)));
  CHECK(el::tanh(-kInf) == -1.0F);
  CHECK(el::erf(kInf) == 1.0F);
  CHECK(el::sigmoid(-kInf) == 0.0F);
}

TEST_CASE("the float64 exp and log are within a few ulp of MPFR") {
  const auto ulps64 = [](double a, double b) -> std::uint64_t {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : ~0ULL;
    const auto order = [](double v) {
      const auto bits = std::bit_cast<std::int64_t>(v);
      return bits < 0 ? -(bits & 0x7fffffffffffffffLL) : bits;
    };
    const std::int64_t d = order(a) - order(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
  };
  const auto mpfr64 = [](int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), double x) {
    mpfr_t value;
    mpfr_init2(value, 200);
    mpfr_set_d(value, x, MPFR_RNDN);
    f(value, value, MPFR_RNDN);
    const double out = mpfr_get_d(value, MPFR_RNDN);
    mpfr_clear(value);
    return out;
  };
  std::uint64_t worst_exp = 0, worst_log = 0;
  for (double x = -700.0; x < 700.0; x += 0.0137)
    worst_exp = std::max(worst_exp, ulps64(el::exp(x), mpfr64(mpfr_exp, x)));
  for (double x = 1e-300; x < 1e300; x *= 1.0731)
    worst_log = std::max(worst_log, ulps64(el::log(x), mpfr64(mpfr_log, x)));
  CHECK(worst_exp <= 4);
  CHECK(worst_log <= 4);
  WARN("float64 exp: at most " << worst_exp << " ulp, log: at most " << worst_log
                               << " ulp from MPFR (about 100,000 and 20,000 inputs)");
}
