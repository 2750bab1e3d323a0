# Shared part of the RISC-V guest toolchain files: set FAULTLINE_RISCV_XLEN (32 or 64) and
# include this. Builds RV<XLEN>IMAC, soft-float ABI, static ELF, with the host's clang and lld.
set(xlen ${FAULTLINE_RISCV_XLEN})
if(xlen EQUAL 32)
  set(abi ilp32)
else()
  set(abi lp64)
endif()

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv${xlen})
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET riscv${xlen}-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET riscv${xlen}-unknown-elf)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(FAULTLINE_GUEST_ARCH_FLAGS "-march=rv${xlen}imac -mabi=${abi} -mcmodel=medany -mno-relax")
set(CMAKE_C_FLAGS_INIT "${FAULTLINE_GUEST_ARCH_FLAGS} -ffreestanding -fno-stack-protector -fno-pic")
set(CMAKE_ASM_FLAGS_INIT "${FAULTLINE_GUEST_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -fuse-ld=lld -Wl,--no-rosegment")

# Compiler helpers (64-bit division on RV32, 128-bit arithmetic) come from the soft-float libgcc
# of Debian's riscv64-unknown-elf-gcc when it is installed.
execute_process(COMMAND riscv64-unknown-elf-gcc -march=rv${xlen}imac -mabi=${abi} -print-libgcc-file-name
  OUTPUT_VARIABLE FAULTLINE_GUEST_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(FAULTLINE_GUEST_LIBGCC AND NOT EXISTS "${FAULTLINE_GUEST_LIBGCC}")
  set(FAULTLINE_GUEST_LIBGCC "")
endif()

# Where the runtime's architecture header and start-up code live.
set(FAULTLINE_GUEST_ARCH_DIR ${CMAKE_CURRENT_LIST_DIR})
