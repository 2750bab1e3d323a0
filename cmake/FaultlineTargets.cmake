# Build settings shared by every faultline target.

# Determinism is a security property: no FMA contraction or fast-math anywhere in the tree.
add_compile_options(-ffp-contract=off -fno-fast-math)

if(FAULTLINE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(FAULTLINE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FAULTLINE_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage for libFuzzer's guidance in every library; only the fuzzers link its driver.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# faultline_target(<target>): warnings as errors for code we own.
function(faultline_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict positives inside std::string concatenation at -O3
    # (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

# faultline_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...]): a component
# library `faultline_<name>` exported as faultline::<name>, public headers in <dir>/include.
function(faultline_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target faultline_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(faultline::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME faultline_${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_features(${target} PUBLIC cxx_std_20)
  # The determinism flags travel with the installed targets: code that includes our headers
  # (inline arithmetic, templates) must compute what ours does in a consumer's build too.
  target_compile_options(${target} PUBLIC -ffp-contract=off -fno-fast-math)
  faultline_target(${target})
  if(FAULTLINE_SANITIZE)
    # A sanitized static library needs the sanitizer runtime wherever it is linked.
    target_link_options(${target} INTERFACE -fsanitize=address,undefined)
  endif()
  install(TARGETS ${target} EXPORT faultlineTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
