/* Program entry for RISC-V guests: sp points at argc (Linux ABI); call main(0, 0) and exit. */
  .section .text.start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  andi sp, sp, -16
  li a0, 0
  li a1, 0
  call main
  call fl_exit
  .size _start, . - _start
