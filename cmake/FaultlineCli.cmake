# faultline_add_cli(<target> ...): a project's own `faultline` binary, every command of the
# faultline CLI (faultline/cli/cli.hpp) over the built-in backends and the project's own.
#
#   faultline_add_cli(my-faultline
#     BACKENDS stack::cli_backend           # each: what BackendCatalog::add takes, a factory
#     HEADERS stack/cli.hpp                 #   std::unique_ptr<faultline::Backend>(
#     LIBRARIES stack_backend               #     const faultline::cli::BackendSettings&),
#     [NO_BUILT_INS])                       #   then ", VerifierContract{...}" if it has one;
#                                           # NO_BUILT_INS leaves out riscv*, mips*, onnx
#
# writes the binary's main(); or, with SOURCES main.cpp ..., takes the project's own main()
# (which calls faultline::cli::run_cli). Installed with the package: find_package(faultline)
# defines it.
function(faultline_add_cli target)
  cmake_parse_arguments(ARG "NO_BUILT_INS" "" "BACKENDS;HEADERS;LIBRARIES;SOURCES" ${ARGN})
  if(ARG_SOURCES AND (ARG_BACKENDS OR ARG_HEADERS))
    message(FATAL_ERROR "faultline_add_cli(${target}): SOURCES, or BACKENDS and HEADERS, not both")
  endif()
  if(NOT ARG_SOURCES)
    if(NOT ARG_BACKENDS AND ARG_NO_BUILT_INS)
      message(FATAL_ERROR "faultline_add_cli(${target}): no backends at all")
    endif()
    set(main "// Written by faultline_add_cli(${target}).\n#include <cstdio>\n\n")
    string(APPEND main "#include \"faultline/cli/cli.hpp\"\n")
    foreach(header ${ARG_HEADERS})
      string(APPEND main "#include \"${header}\"\n")
    endforeach()
    string(APPEND main "\nint main(int argc, char** argv) {\n")
    if(ARG_NO_BUILT_INS)
      string(APPEND main "  faultline::cli::BackendCatalog backends;\n")
    else()
      string(APPEND main "  faultline::cli::BackendCatalog backends = faultline::cli::built_in_backends();\n")
    endif()
    foreach(factory ${ARG_BACKENDS})
      string(APPEND main "  if (auto added = backends.add(${factory}); !added) {\n"
        "    std::fprintf(stderr, \"${target}: %s\\n\", added.error().message.c_str());\n"
        "    return 2;\n  }\n")
    endforeach()
    string(APPEND main "  return faultline::cli::run_cli(argc, argv, backends);\n}\n")
    set(ARG_SOURCES ${CMAKE_CURRENT_BINARY_DIR}/${target}_main.cpp)
    file(CONFIGURE OUTPUT ${ARG_SOURCES} CONTENT "${main}" @ONLY)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE faultline::cli ${ARG_LIBRARIES})
endfunction()
