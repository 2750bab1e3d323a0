# The two commands of the README, each doing all set-up on a fresh Debian 12 machine:
#   make demo   build and run the main job
#   make test   build and run every test, release and ASan+UBSan, plus format and lint gates
# Other targets: build, bench, mutate, fuzz, format, lint, clean.

SHELL      := /bin/bash
JOBS       ?= $(shell nproc)
RELEASE    := build/release
SANITIZE   := build/asan
CLI        := $(RELEASE)/tools/cli/faultline
CXX_FILES   = $(shell git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h')

.PHONY: demo test setup build build-asan test-release test-asan bench mutate fuzz format format-check lint clean solidity onnx-table

GUEST64    := $(RELEASE)/backends/riscv/guest/riscv64

# The main job: the flagship example game (examples/games). A RISC-V guest hashes this README;
# a dishonest proposer claims a wrong result and the honest challenger beats it on a local
# anvil that the game starts and stops itself.
demo: build
	$(CLI) info
	@echo; echo "== faultline run --backend riscv64 sha256.elf --input README.md"
	$(CLI) run --backend riscv64 $(GUEST64)/sha256.elf --input README.md
	@echo "(sha256sum says: $$(sha256sum README.md | cut -d' ' -f1))"
	@echo; echo "== the flagship game on a local anvil: honest challenger against a proposer that lies from mid-run"
	examples/games/riscv-challenge.sh

# The other example games, one target each: make game-mips32-challenge, game-two-layers,
# game-unchallenged (see examples/games/README.md).
game-%: build
	examples/games/$*.sh

test: setup format-check test-release test-asan lint
	@echo "all tests passed"

setup:
	@tools/setup.sh

build: setup
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFAULTLINE_BUILD_BENCH=ON
	cmake --build $(RELEASE) -j $(JOBS)

# The sanitizer build uses clang, the release build the default g++: two compilers, one suite.
# It is also instrumented for libFuzzer and builds the fuzzers (tests/fuzz), whose short runs
# are ctest entries.
build-asan: setup
	cmake -S . -B $(SANITIZE) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DFAULTLINE_SANITIZE=ON \
	  -DFAULTLINE_FUZZ=ON -DFAULTLINE_BUILD_BENCH=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
	cmake --build $(SANITIZE) -j $(JOBS)

test-release: build
	cd $(RELEASE) && ctest -j $(JOBS) --output-on-failure

test-asan: build-asan
	cd $(SANITIZE) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest -j $(JOBS) --output-on-failure

bench: build
	$(RELEASE)/bench/faultline_bench --benchmark_min_time=0.5

# Mutation testing (opt-in, over an hour on 2 cores; see docs/benchmarks.md): each mutant of
# tools/mutate/mutants.ini is built and tested in build/mutate; the report is
# build/mutate/report.md. Fails below a 95% kill rate.
mutate: setup
	tools/mutate/mutate.py

# Coverage-guided fuzzing (opt-in): every fuzzer of tests/fuzz for FUZZ_SECONDS (default 600)
# each under ASan/UBSan; summary in build/fuzz/summary.md (see docs/benchmarks.md).
fuzz: build-asan
	tools/fuzz/run.sh

FORGE       = tools/npm/node_modules/.bin/forge

# Regenerates the Solidity step verifiers (contracts/src/<backend>/) from their templates and
# their backends' tables.
solidity: setup
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFAULTLINE_BUILD_BENCH=ON
	cmake --build $(RELEASE) --target faultline_riscv_solidity faultline_mips_solidity
	cmake -DGENERATOR=$(RELEASE)/backends/riscv/faultline_riscv_solidity \
	  -DTEMPLATE=backends/riscv/solidity/RiscvStepVerifier.sol.in -DFORGE=$(FORGE) \
	  -DCONTRACTS=contracts -DOUTPUT=contracts/src/riscv/RiscvStepVerifier.sol \
	  -P cmake/generate_solidity.cmake
	cmake -DGENERATOR=$(RELEASE)/backends/mips/faultline_mips_solidity \
	  -DTEMPLATE=backends/mips/solidity/MipsStepVerifier.sol.in -DFORGE=$(FORGE) \
	  -DCONTRACTS=contracts -DOUTPUT=contracts/src/mips/MipsStepVerifier.sol \
	  -P cmake/generate_solidity.cmake

format:
	clang-format -i $(CXX_FILES)
	if [ -x $(FORGE) ]; then cd contracts && ../$(FORGE) fmt; fi

format-check:
	@clang-format --dry-run -Werror $(CXX_FILES) && echo "clang-format: clean"
	@cd contracts && ../$(FORGE) fmt --check && echo "forge fmt: clean"

# clang-tidy over the library and CLI sources, with the compile commands of the release build.
lint: build
	@git ls-files --cached --others --exclude-standard 'framework/src/*.cpp' 'tools/*.cpp' 'backends/*.cpp' 'executors/*.cpp' 'dispute/*.cpp' \
	  | xargs -r -P $(JOBS) -n 4 clang-tidy -p $(RELEASE) --quiet --extra-arg=-Wno-unknown-warning-option 2>&1 | grep -v "warnings generated" ; \
	  exit $${PIPESTATUS[1]}

# Rewrites docs/backends/onnx.md's operator table from the registry and a run of the official
# node tests (the test fails while the committed table differs).
onnx-table: build
	cd $(RELEASE)/tests && FAULTLINE_WRITE_DOCS=1 ./onnx_tests "the official node tests of every registered operator pass"

clean:
	rm -rf build
