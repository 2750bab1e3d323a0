# CMake toolchain file for faultline RISC-V guests: RV64IMAC, soft-float, static ELF.
# Use with -DCMAKE_TOOLCHAIN_FILE=<this file>.
set(FAULTLINE_RISCV_XLEN 64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-riscv-common.cmake)
