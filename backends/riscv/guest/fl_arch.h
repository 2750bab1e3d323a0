/* RISC-V part of the faultline guest runtime: Linux system call numbers and the raw call. */
#ifndef FAULTLINE_FL_ARCH_H
#define FAULTLINE_FL_ARCH_H

enum {
  FL_SYS_READ = 63,
  FL_SYS_WRITE = 64,
  FL_SYS_EXIT = 93,
  FL_SYS_EXIT_GROUP = 94,
  FL_SYS_BRK = 214,
  FL_SYS_MUNMAP = 215,
  FL_SYS_MMAP = 222,
#if __riscv_xlen == 32
  FL_SYS_CLOCK_GETTIME = 403, /* rv32 Linux has only the 64-bit time variant */
#else
  FL_SYS_CLOCK_GETTIME = 113,
#endif
};

/* All ones is no RISC-V instruction (and no compressed one). */
#define FL_ILLEGAL_INSTRUCTION ".word 0xffffffff"

static inline long fl_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
  register long r_a0 __asm__("a0") = a0;
  register long r_a1 __asm__("a1") = a1;
  register long r_a2 __asm__("a2") = a2;
  register long r_a3 __asm__("a3") = a3;
  register long r_a4 __asm__("a4") = a4;
  register long r_a5 __asm__("a5") = a5;
  register long r_a7 __asm__("a7") = number;
  __asm__ volatile("ecall"
                   : "+r"(r_a0)
                   : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
                   : "memory");
  return r_a0;
}

#endif
