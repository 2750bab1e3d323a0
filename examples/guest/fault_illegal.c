/* Executes an illegal instruction: faultline must end in a fault state (qemu raises SIGILL). */
#include "faultline_guest.h"
#include "fl_arch.h"

int main(void) {
  fl_puts("about to execute an illegal instruction\n");
  __asm__ volatile(FL_ILLEGAL_INSTRUCTION);
  fl_puts("unreachable\n");
  return 0;
}
