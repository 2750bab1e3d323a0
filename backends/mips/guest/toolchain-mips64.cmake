# CMake toolchain file for faultline MIPS guests: MIPS64r2 big-endian, n64, soft-float, static.
# Use with -DCMAKE_TOOLCHAIN_FILE=<this file>.
set(FAULTLINE_MIPS_BITS 64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mips-common.cmake)
