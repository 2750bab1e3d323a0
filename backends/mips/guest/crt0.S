/* Program entry for MIPS guests: $sp points at argc (Linux ABI); call main(0, 0) and exit.
 * The o32 and n64 ABIs both let a callee use 16 bytes above $sp (o32's argument save area). */
  .text
  .globl __start
  .globl _start
  .type _start, @function
__start:
_start:
  li $t0, -16
  and $sp, $sp, $t0
#if __mips == 64
  daddiu $sp, $sp, -16
#else
  addiu $sp, $sp, -16
#endif
  move $a0, $zero
  move $a1, $zero
  jal main
  move $a0, $v0
  jal fl_exit
  .size _start, . - _start
