// faultline's own elementary functions for float32 tensors: exp, log, tanh, sigmoid, erf and
// pow. Each is computed in binary64 with only +, −, ·, / and exact bit operations, then rounded
// once to binary32, so it gives the same bits on every host and compiler (no libm, no FMA) and
// can be compiled unchanged into a RISC-V guest. Their error against MPFR's correctly rounded
// results is measured by tests/onnx/elementary_test.cpp and published in docs/backends/onnx.md.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace faultline::onnx::elementary {

namespace detail {

inline constexpr double kLn2 = 6.93147180559945286227e-01;
// ln 2 split so that k · kLn2High is exact for |k| < 2^20 (fdlibm's constants).
inline constexpr double kLn2High = 6.93147180369123816490e-01;
inline constexpr double kLn2Low = 1.90821492927058770002e-10;
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
inline constexpr double kTwoOverSqrtPi = 1.12837916709551255856e+00;

/// NaN, by its bits (no libm, and no self-comparison a compiler could fold away).
inline bool is_nan(double x) {
  return (std::bit_cast<std::uint64_t>(x) & 0x7fffffffffffffffULL) > 0x7ff0000000000000ULL;
}

/// ⌊x⌋ for |x| < 2^52, by truncating through an integer (exact).
inline double floor_small(double x) {
  const auto truncated = static_cast<double>(static_cast<std::int64_t>(x));
  return truncated > x ? truncated - 1.0 : truncated;
}

/// 2^k for k in [−1022, 1023], built from its bits.
inline double power_of_two(int k) {
  return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

/// e^x for x in [−745, 709]: x = k · ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series to
/// degree 13 (remainder below 10^−17), then scaled by 2^k in two exact steps.
inline double exp(double x) {
  const double k = floor_small(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2High) - k * kLn2Low;
  double p = 1.0 / 6227020800.0;  // 1/13!
  constexpr double kInverseFactorials[] = {1.0 / 479001600.0,
                                           1.0 / 39916800.0,
                                           1.0 / 3628800.0,
                                           1.0 / 362880.0,
                                           1.0 / 40320.0,
                                           1.0 / 5040.0,
                                           1.0 / 720.0,
                                           1.0 / 120.0,
                                           1.0 / 24.0,
                                           1.0 / 6.0,
                                           1.0 / 2.0,
                                           1.0,
                                           1.0};
  for (const double c : kInverseFactorials)
    p = p * r + c;
  const int half = static_cast<int>(k) / 2;
  return p * power_of_two(half) * power_of_two(static_cast<int>(k) - half);
}

/// ln x for a positive, finite, normal x: x = m · 2^e with m in [√½, √2), ln m = 2 atanh(s)
/// with s = (m − 1)/(m + 1), |s| ≤ 0.172, by its series to s^23.
inline double log(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.41421356237309504880) {
    m = m * 0.5;
    e += 1;
  }
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double series = 1.0 / 23.0;
  for (int n = 21; n >= 1; n -= 2)
    series = series * s2 + 1.0 / n;
  return static_cast<double>(e) * kLn2 + 2.0 * s * series;
}

/// e^x − 1 in double, by its series near 0 (where e^x − 1 would cancel).
inline double expm1(double x) {
  if (x > -1e-3 && x < 1e-3) return x + x * x / 2.0 + x * x * x / 6.0 + x * x * x * x / 24.0;
  return exp(x) - 1.0;
}

/// ln(1 + y) for y ≥ 0, by its series for small y.
inline double log1p(double y) {
  if (y < 1e-4) return y - y * y / 2.0 + y * y * y / 3.0;
  return log(1.0 + y);
}

}  // namespace detail

/// e^x in double (for float64 tensors): the double-precision kernel above, whose error is a few
/// units in the last place of a double (not correctly rounded, but the same bits everywhere).
inline double exp(double x) {
  if (detail::is_nan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -745.0) return 0.0;
  return detail::exp(x);
}

/// ln x in double (for float64 tensors), as exp(double).
inline double log(double x) {
  if (detail::is_nan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  if (x < 2.2250738585072014e-308) return detail::log(x * 18014398509481984.0) - 54 * detail::kLn2;
  return detail::log(x);
}

/// e^x, rounded once to float.
inline float exp(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  if (x > 100.0F) return std::numeric_limits<float>::infinity();
  if (x < -110.0F) return 0.0F;
  return static_cast<float>(detail::exp(x));
}

/// ln x; −∞ at ±0, NaN below 0.
inline float log(float x) {
  if (detail::is_nan(x) || x < 0.0F) return std::numeric_limits<float>::quiet_NaN();
  if (x == 0.0F) return -std::numeric_limits<float>::infinity();
  if (x == std::numeric_limits<float>::infinity()) return x;
  return static_cast<float>(detail::log(x));  // a float's subnormals are normal doubles
}

/// tanh x: its cubic for |x| < 2^−13, (e^2|x| − 1)/(e^2|x| + 1) with the sign up to |x| = 10,
/// ±1 beyond (where tanh rounds to ±1 in float).
inline float tanh(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  const double a = x < 0 ? -static_cast<double>(x) : static_cast<double>(x);
  double t = 1.0;
  if (a < 1.220703125e-4) {
    t = a - a * a * a / 3.0;
  } else if (a < 10.0) {
    const double e = detail::exp(2.0 * a);
    t = (e - 1.0) / (e + 1.0);
  }
  return static_cast<float>(x < 0 ? -t : t);
}

/// 1 / (1 + e^−x).
inline float sigmoid(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  if (x < -120.0F) return 0.0F;
  if (x > 120.0F) return 1.0F;
  return static_cast<float>(1.0 / (1.0 + detail::exp(-static_cast<double>(x))));
}

/// erf x: its Taylor series 2/√π Σ (−1)^n x^(2n+1) / (n! (2n + 1)) for |x| < 4 (at most 100
/// terms, stopped once a term no longer changes the sum), ±1 beyond.
inline float erf(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  const double a = x < 0 ? -static_cast<double>(x) : static_cast<double>(x);
  double result = 1.0;
  if (a < 4.0) {
    const double minus_square = -a * a;
    double power = a, sum = a;  // n = 0
    for (int n = 1; n < 100; ++n) {
      power = power * minus_square / n;
      const double next = sum + power / (2 * n + 1);
      if (next == sum) break;
      sum = next;
    }
    result = detail::kTwoOverSqrtPi * sum;
  }
  return static_cast<float>(x < 0 ? -result : result);
}

/// x^y as C's powf defines the special cases, otherwise e^(y ln |x|) in double.
inline float pow(float x, float y) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (y == 0.0F || x == 1.0F) return 1.0F;
  if (detail::is_nan(x) || detail::is_nan(y)) return std::numeric_limits<float>::quiet_NaN();
  // Every float of magnitude 2^24 or more is an even integer.
  const float magnitude_y = y < 0 ? -y : y;
  bool y_integer = true, y_odd = false;
  if (magnitude_y < 16777216.0F) {
    const double whole = detail::floor_small(magnitude_y);
    y_integer = whole == magnitude_y;
    y_odd = y_integer && static_cast<std::int64_t>(whole) % 2 != 0;
  }
  if (x == 0.0F) {
    const bool negative_zero = std::bit_cast<std::uint32_t>(x) >> 31 != 0;
    if (y < 0) return y_odd && negative_zero ? -kInf : kInf;
    return y_odd && negative_zero ? -0.0F : 0.0F;
  }
  if (x < 0 && !y_integer && x != -kInf) return std::numeric_limits<float>::quiet_NaN();
  const double magnitude = x < 0 ? -static_cast<double>(x) : static_cast<double>(x);
  double result = 0;
  if (magnitude == static_cast<double>(kInf)) {
    result = y < 0 ? 0.0 : static_cast<double>(kInf);
  } else if (y == kInf || y == -kInf) {
    if (magnitude == 1.0) return 1.0F;
    result = (magnitude > 1.0) == (y > 0) ? static_cast<double>(kInf) : 0.0;
  } else {
    const double exponent = static_cast<double>(y) * detail::log(magnitude);
    result = exponent > 700.0    ? static_cast<double>(kInf)
             : exponent < -745.0 ? 0.0
                                 : detail::exp(exponent);
  }
  return static_cast<float>(x < 0 && y_odd ? -result : result);
}

/// ln(1 + e^x), without cancellation for very negative x.
inline float softplus(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  if (x > 50.0F) return x;
  if (x < -120.0F) return 0.0F;
  return static_cast<float>(detail::log1p(detail::exp(x)));
}

/// e^x − 1 (for Elu and Selu), rounded once to float.
inline float expm1(float x) {
  if (detail::is_nan(x)) return std::numeric_limits<float>::quiet_NaN();
  if (x > 100.0F) return std::numeric_limits<float>::infinity();
  if (x < -110.0F) return -1.0F;
  return static_cast<float>(detail::expm1(x));
}

}  // namespace faultline::onnx::elementary
