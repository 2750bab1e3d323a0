/* MIPS part of the faultline guest runtime: Linux system call numbers (o32 on MIPS32, n64 on
 * MIPS64) and the raw call, which reports errors in $a3 (1: $v0 holds a positive errno). */
#ifndef FAULTLINE_FL_ARCH_H
#define FAULTLINE_FL_ARCH_H

#if __mips == 64
enum {
  FL_SYS_READ = 5000,
  FL_SYS_WRITE = 5001,
  FL_SYS_MMAP = 5009,
  FL_SYS_MUNMAP = 5011,
  FL_SYS_BRK = 5012,
  FL_SYS_EXIT = 5058,
  FL_SYS_EXIT_GROUP = 5205,
  FL_SYS_CLOCK_GETTIME = 5222,
};
#else
enum {
  FL_SYS_EXIT = 4001,
  FL_SYS_READ = 4003,
  FL_SYS_WRITE = 4004,
  FL_SYS_BRK = 4045,
  FL_SYS_MMAP = 4090,
  FL_SYS_MUNMAP = 4091,
  FL_SYS_EXIT_GROUP = 4246,
  FL_SYS_CLOCK_GETTIME = 4403, /* clock_gettime64: 64-bit time on o32 */
};
#endif

/* An encoding reserved on both MIPS32r2 and MIPS64r2 (major opcode 0x3b). */
#define FL_ILLEGAL_INSTRUCTION ".word 0xec000000"

static inline long fl_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
  register long r_v0 __asm__("$2") = number;
  register long r_a0 __asm__("$4") = a0;
  register long r_a1 __asm__("$5") = a1;
  register long r_a2 __asm__("$6") = a2;
  register long r_a3 __asm__("$7") = a3;
#if __mips == 64
  register long r_a4 __asm__("$8") = a4;
  register long r_a5 __asm__("$9") = a5;
  __asm__ volatile("syscall"
                   : "+r"(r_v0), "+r"(r_a3)
                   : "r"(r_a0), "r"(r_a1), "r"(r_a2), "r"(r_a4), "r"(r_a5)
                   : "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo",
                     "memory");
#else
  /* o32 passes arguments 5 and 6 on the stack, above the 16-byte argument save area. */
  __asm__ volatile(
      "addiu $sp, $sp, -32\n\t"
      "sw %5, 16($sp)\n\t"
      "sw %6, 20($sp)\n\t"
      "syscall\n\t"
      "addiu $sp, $sp, 32"
      : "+r"(r_v0), "+r"(r_a3)
      : "r"(r_a0), "r"(r_a1), "r"(r_a2), "r"(a4), "r"(a5)
      : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo",
        "memory");
#endif
  return r_a3 != 0 ? -r_v0 : r_v0;
}

#endif
