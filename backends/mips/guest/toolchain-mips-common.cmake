# Shared part of the MIPS guest toolchain files: set FAULTLINE_MIPS_BITS (32 or 64) and include
# this. Builds big-endian MIPS32r2 (o32) or MIPS64r2 (n64), soft-float, static, non-PIC ELF
# files with the host's clang and lld.
set(bits ${FAULTLINE_MIPS_BITS})
if(bits EQUAL 32)
  set(target mips-linux-gnu)
  set(arch "-march=mips32r2 -mabi=32")
else()
  set(target mips64-linux-gnuabi64)
  set(arch "-march=mips64r2 -mabi=64")
endif()

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR mips${bits})
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${target})
set(CMAKE_ASM_COMPILER_TARGET ${target})
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -G0: no $gp-relative small data (no start-up code sets $gp); -mno-abicalls -fno-pic: plain
# absolute code, as a static ELF needs.
set(FAULTLINE_GUEST_ARCH_FLAGS "${arch} -msoft-float -mno-abicalls -fno-pic -G0")
set(CMAKE_C_FLAGS_INIT "${FAULTLINE_GUEST_ARCH_FLAGS} -ffreestanding -fno-stack-protector")
set(CMAKE_ASM_FLAGS_INIT "${FAULTLINE_GUEST_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
  "-nostdlib -static -fuse-ld=lld -Wl,--no-rosegment -Wl,-z,max-page-size=4096")

# Debian's MIPS libgcc is hard-float, which lld refuses to link with soft-float objects: the
# compiler helpers the guests need come from our own helpers.c instead.
set(FAULTLINE_GUEST_LIBGCC "")
set(FAULTLINE_GUEST_EXTRA_SOURCES ${CMAKE_CURRENT_LIST_DIR}/helpers.c)

# Where the runtime's architecture header and start-up code live.
set(FAULTLINE_GUEST_ARCH_DIR ${CMAKE_CURRENT_LIST_DIR})
