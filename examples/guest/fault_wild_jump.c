/* Jumps to an address where nothing is loaded: the zero bytes there are an illegal
 * instruction, so faultline ends in a fault state (qemu raises SIGSEGV). */
#include "faultline_guest.h"

int main(void) {
  fl_puts("about to jump into unmapped memory\n");
  void (*volatile target)(void) = (void (*)(void))(uintptr_t)0x30000000u;
  target();
  fl_puts("unreachable\n");
  return 0;
}
