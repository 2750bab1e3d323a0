# CMake toolchain file for faultline MIPS guests: MIPS32r2 big-endian, o32, soft-float, static.
# Use with -DCMAKE_TOOLCHAIN_FILE=<this file>.
set(FAULTLINE_MIPS_BITS 32)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mips-common.cmake)
