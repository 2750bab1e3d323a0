/* Program entry for native x86-64 builds of the example guests: main(0, 0), then exit. */
  .text
  .globl _start
  .type _start, @function
_start:
  and $-16, %rsp
  xor %edi, %edi
  xor %esi, %esi
  call main
  mov %eax, %edi
  call fl_exit
  .size _start, . - _start
  .section .note.GNU-stack, "", @progbits
