/* Fibonacci numbers; exits with fib(20) mod 256 (109) so the exit code is checked too. */
#include "faultline_guest.h"

int main(void) {
  uint64_t a = 0, b = 1;
  for (int i = 0; i <= 90; ++i) {
    if (i % 10 == 0) fl_printf("fib(%d) = %llu\n", i, (unsigned long long)a);
    uint64_t next = a + b;
    a = b;
    b = next;
  }
  uint32_t x = 0, y = 1;
  for (int i = 0; i < 20; ++i) {
    uint32_t next = x + y;
    x = y;
    y = next;
  }
  return (int)(x % 256);
}
