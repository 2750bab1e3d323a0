/* Writes one byte into every 4 KiB page from 256 MiB upwards, as a program that keeps growing
 * would: faultline stops it with a memory_limit fault once it holds the state's limit of
 * non-zero pages (1 GiB by default), so the host's memory stays bounded. (Under qemu it is
 * killed at the first unmapped page.) */
#include "faultline_guest.h"

int main(void) {
  for (uintptr_t page = 0x10000000u;; page += 4096)
    *(volatile uint8_t*)page = 1;
}
