/* Compiler helpers for MIPS guests, in place of libgcc (Debian's MIPS libgcc is hard-float and
 * cannot be linked into soft-float guests): 64-bit division on MIPS32. */
#include <stdint.h>

#if __mips != 64

uint64_t __udivmoddi4(uint64_t numerator, uint64_t denominator, uint64_t* remainder);

/* Shift-and-subtract long division: simple and exact; guests divide 64-bit numbers rarely
 * (printing them). Division by zero returns all ones, as RISC-V defines it. */
uint64_t __udivmoddi4(uint64_t numerator, uint64_t denominator, uint64_t* remainder) {
  if (denominator == 0) {
    if (remainder) *remainder = numerator;
    return ~(uint64_t)0;
  }
  uint64_t quotient = 0;
  uint64_t rest = 0;
  for (int bit = 63; bit >= 0; --bit) {
    rest = rest << 1 | ((numerator >> bit) & 1);
    if (rest >= denominator) {
      rest -= denominator;
      quotient |= (uint64_t)1 << bit;
    }
  }
  if (remainder) *remainder = rest;
  return quotient;
}

uint64_t __udivdi3(uint64_t a, uint64_t b);
uint64_t __umoddi3(uint64_t a, uint64_t b);
int64_t __divdi3(int64_t a, int64_t b);
int64_t __moddi3(int64_t a, int64_t b);

uint64_t __udivdi3(uint64_t a, uint64_t b) {
  return __udivmoddi4(a, b, 0);
}

uint64_t __umoddi3(uint64_t a, uint64_t b) {
  uint64_t remainder;
  __udivmoddi4(a, b, &remainder);
  return remainder;
}

static uint64_t magnitude(int64_t v) {
  return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

int64_t __divdi3(int64_t a, int64_t b) {
  const uint64_t q = __udivmoddi4(magnitude(a), magnitude(b), 0);
  return (int64_t)((a < 0) != (b < 0) ? -q : q);
}

int64_t __moddi3(int64_t a, int64_t b) {
  uint64_t r;
  __udivmoddi4(magnitude(a), magnitude(b), &r);
  return (int64_t)(a < 0 ? -r : r);
}

#endif
