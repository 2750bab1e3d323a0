// faultline: run programs, print commitments and witnesses, play and simulate dispute games,
// with the built-in backends (a project adds its own through faultline/cli/cli.hpp).
#include "faultline/cli/cli.hpp"

int main(int argc, char** argv) {
  return faultline::cli::run_cli(argc, argv, faultline::cli::built_in_backends());
}
