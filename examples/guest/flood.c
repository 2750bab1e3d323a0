/* Writes 1,100 pieces of 64 KiB to stdout (past the 64 MiB a machine keeps), then computes for
 * about ten million steps, so an executor takes many checkpoints while the guest's output is
 * large (the tests check that they share it rather than copy it). Exits with 0. */
#include "faultline_guest.h"

static uint8_t piece[64 * 1024];

int main(void) {
  for (size_t i = 0; i < sizeof piece; ++i) piece[i] = (uint8_t)(i * 7 + 1);
  for (int i = 0; i < 1100; ++i) {
    if (fl_write(1, piece, sizeof piece) != (long)sizeof piece) return 1;
  }
  volatile uint32_t sum = 0;
  for (uint32_t i = 0; i < 2000000; ++i) sum += i;
  return sum == 1999999000000u % 4294967296u ? 0 : 2;
}
