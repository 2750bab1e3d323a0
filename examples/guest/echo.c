/* Writes its input to stdout unchanged, so output can be any bytes (the CLI's JSON must carry
 * them exactly); exits with the input's size mod 256. */
#include "faultline_guest.h"

int main(void) {
  size_t size = 0;
  const uint8_t* input = fl_input(&size);
  for (size_t done = 0; done < size;) {
    const long wrote = fl_write(1, input + done, size - done);
    if (wrote <= 0) return 255;
    done += (size_t)wrote;
  }
  return (int)(size % 256);
}
