/* Sorts 4 MiB of pseudo-random 32-bit numbers (bottom-up merge sort), checks the order and
 * prints a checksum. */
#include "faultline_guest.h"

enum { kCount = 1 << 20 };

int main(void) {
  uint32_t* data = malloc(kCount * sizeof(uint32_t));
  uint32_t* scratch = malloc(kCount * sizeof(uint32_t));
  if (data == NULL || scratch == NULL) {
    fl_puts("out of memory\n");
    return 2;
  }
  uint32_t x = 2463534242u;  /* xorshift32 */
  uint64_t sum_before = 0;
  for (uint32_t i = 0; i < kCount; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data[i] = x;
    sum_before += x;
  }
  for (uint32_t width = 1; width < kCount; width *= 2) {
    for (uint32_t start = 0; start < kCount; start += 2 * width) {
      uint32_t middle = start + width < kCount ? start + width : kCount;
      uint32_t end = start + 2 * width < kCount ? start + 2 * width : kCount;
      uint32_t i = start, j = middle, k = start;
      while (i < middle && j < end) scratch[k++] = data[i] <= data[j] ? data[i++] : data[j++];
      while (i < middle) scratch[k++] = data[i++];
      while (j < end) scratch[k++] = data[j++];
    }
    uint32_t* swap = data;
    data = scratch;
    scratch = swap;
  }
  uint64_t sum_after = 0, weighted = 0;
  for (uint32_t i = 0; i < kCount; ++i) {
    if (i > 0 && data[i - 1] > data[i]) {
      fl_printf("not sorted at %u\n", i);
      return 1;
    }
    sum_after += data[i];
    weighted = weighted * 31 + data[i];
  }
  fl_printf("sorted %d numbers: min %u max %u sum %llu checksum %llx\n", kCount, data[0],
            data[kCount - 1], (unsigned long long)sum_after, (unsigned long long)weighted);
  return sum_before == sum_after ? 0 : 3;
}
