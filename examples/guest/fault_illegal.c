/* Executes an illegal instruction: faultline must end in a fault state (qemu raises SIGILL). */
#include "faultline_guest.h"

int main(void) {
  fl_puts("about to execute an illegal instruction\n");
  __asm__ volatile(".word 0xffffffff");
  fl_puts("unreachable\n");
  return 0;
}
