/* x86-64 Linux part of the faultline guest runtime, so benchmarks can run the example guest
 * programs natively as a speed reference. */
#ifndef FAULTLINE_FL_ARCH_H
#define FAULTLINE_FL_ARCH_H

enum {
  FL_SYS_READ = 0,
  FL_SYS_WRITE = 1,
  FL_SYS_MMAP = 9,
  FL_SYS_MUNMAP = 11,
  FL_SYS_BRK = 12,
  FL_SYS_EXIT = 60,
  FL_SYS_CLOCK_GETTIME = 228,
  FL_SYS_EXIT_GROUP = 231,
};

static inline long fl_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
  long result;
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return result;
}

#endif
