/* Integer matrix multiply (the benchmark workload): C = A * B for 160 x 160 matrices, repeated,
 * with a checksum of C printed at the end. */
#include "faultline_guest.h"

enum { kSize = 160, kRounds = 4 };

static uint32_t a[kSize][kSize], b[kSize][kSize], c[kSize][kSize];

int main(void) {
  uint32_t seed = 12345;
  for (int i = 0; i < kSize; ++i) {
    for (int j = 0; j < kSize; ++j) {
      seed = seed * 1103515245u + 12345u;
      a[i][j] = seed >> 16;
      seed = seed * 1103515245u + 12345u;
      b[i][j] = seed >> 16;
    }
  }
  uint64_t checksum = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kSize; ++i) {
      for (int j = 0; j < kSize; ++j) {
        uint32_t sum = 0;
        for (int k = 0; k < kSize; ++k) sum += a[i][k] * b[k][j];
        c[i][j] = sum;
      }
    }
    for (int i = 0; i < kSize; ++i) {
      for (int j = 0; j < kSize; ++j) checksum = checksum * 33 + c[i][j];
    }
    a[round][round] += 1;
  }
  fl_printf("matmul %dx%d x%d: checksum %llx\n", kSize, kSize, kRounds, (unsigned long long)checksum);
  return 0;
}
