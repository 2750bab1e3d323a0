#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<fuzzer>) from a release build.

  elf_loader       the small example programs of each profile (fib, fault_illegal, echo) and
                   the op-coverage programs of tests/*/op_coverage.S (every op of the ISA)
  step_verifier    real witnesses of fib and sha256 (input "fuzz", as the fuzzer's oracle holds)
                   at a spread of steps, from `faultline witness --json`, in the fuzzer's format:
                   profile byte, state length (2 bytes, big-endian), state, proofs; plus those
                   witnesses of every other step of the op-coverage programs that add coverage
                   (libFuzzer's -merge=1 with the built fuzzer picks them)
  differential,    pseudo-random inputs (a fixed seed), four per profile
  preimage_stream
  chain_decoders   JSON-RPC replies (a receipt, logs, an error with revert data, a quantity)
                   and ABI data (named reverts, nested ones, arrays), selectors from Foundry's cast
  onnx_model       the ONNX trace tests' models that tests/onnx/make_models.py writes into the
                   release build (an MLP, an 11-node CNN, a Reshape, a transformer block)

Run from the repository root after `make build` and `make build-asan`:
  tools/fuzz/make_seeds.py [build/asan/tests/fuzz]
"""
import json
import pathlib
import random
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "release"
CLI = BUILD / "tools" / "cli" / "faultline"
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
# The fuzzers' profile byte: riscv32, riscv64, mips32, mips64 (fuzz_support.hpp, profiles()).
PROFILES = [("riscv32", "riscv"), ("riscv64", "riscv"), ("mips32", "mips"), ("mips64", "mips")]


# How tests/common/op_coverage.hpp builds the op-coverage programs.
COVERAGE_FLAGS = {
    "riscv32": "--target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32",
    "riscv64": "--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64",
    "mips32": "--target=mips-linux-gnu -march=mips32r2 -mabi=32",
    "mips64": "--target=mips64-linux-gnuabi64 -march=mips64r2 -mabi=64",
}
MIPS_FLAGS = "-msoft-float -fno-pic -mno-abicalls -G0 -Wl,-z,max-page-size=4096"


def coverage_elf(profile, family, folder):
    elf = pathlib.Path(folder) / f"{profile}-op-coverage.elf"
    flags = COVERAGE_FLAGS[profile] + (" " + MIPS_FLAGS if family == "mips" else "")
    subprocess.run(f"clang {flags} -nostdlib -static -fuse-ld=lld -Wl,--no-rosegment -o {elf} "
                   f"{ROOT / 'tests' / family / 'op_coverage.S'} 2>/dev/null",
                   shell=True, check=True)
    return elf


def witness_seed(index, profile, elf, input_path, step):
    out = subprocess.run([CLI, "witness", "--backend", profile, elf, "--input", input_path,
                          "--at", str(step), "--json"],
                         check=True, capture_output=True, text=True).stdout
    witness = json.loads(out)
    state = bytes.fromhex(witness["state"][2:])
    proof = bytes.fromhex(witness["proof"][2:])
    return bytes([index]) + len(state).to_bytes(2, "big") + state + proof


def steps_of(profile, elf):
    out = subprocess.run([CLI, "run", "--backend", profile, elf, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["steps"]


def guest(profile, family, name):
    return BUILD / "backends" / family / "guest" / profile / f"{name}.elf"


def write(fuzzer, name, data):
    folder = CORPUS / fuzzer
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def main():
    for profile, family in PROFILES:
        for name in ("fib", "fault_illegal", "echo"):
            write("elf_loader", f"{profile}-{name}.elf", guest(profile, family, name).read_bytes())

    fuzzers = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as scratch:
        input_path = pathlib.Path(scratch) / "input"
        input_path.write_bytes(b"fuzz")
        candidates = pathlib.Path(scratch) / "candidates"
        candidates.mkdir()
        for index, (profile, family) in enumerate(PROFILES):
            for name, steps in (("fib", (0, 1, 7, 60, 400)), ("sha256", (30, 300, 3000))):
                for step in steps:
                    write("step_verifier", f"{profile}-{name}-{step}",
                          witness_seed(index, profile, guest(profile, family, name), input_path,
                                       step))
            elf = coverage_elf(profile, family, scratch)
            write("elf_loader", f"{profile}-op-coverage.elf", elf.read_bytes())
            if fuzzers:
                for step in range(0, steps_of(profile, elf), 2):
                    (candidates / f"{profile}-op-coverage-{step}").write_bytes(
                        witness_seed(index, profile, elf, input_path, step))
        if fuzzers:
            subprocess.run([fuzzers / "fuzz_step_verifier", "-merge=1", "-use_counters=0",
                            CORPUS / "step_verifier", candidates], check=True,
                           capture_output=True)

    rng = random.Random(20261202)
    for fuzzer in ("differential", "preimage_stream"):
        for index, (profile, _) in enumerate(PROFILES):
            for n in range(4):
                body = bytes(rng.randrange(256) for _ in range(rng.randrange(32, 256)))
                write(fuzzer, f"{profile}-{n}", bytes([index]) + body)
    chain_seeds()
    for name in ("mlp", "trace", "reshape", "transformer"):
        write("onnx_model", f"{name}.onnx",
              (ROOT / "build/release/tests/onnx_models" / f"{name}.onnx").read_bytes())


def selector(signature):
    cast = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "cast"
    return bytes.fromhex(subprocess.run([cast, "sig", signature], check=True, capture_output=True,
                                        text=True).stdout.strip()[2:])


def word(value):
    return value.to_bytes(32, "big")


def chain_seeds():
    log = {"address": "0x" + "ab" * 20, "topics": ["0x" + "11" * 32, "0x" + "00" * 31 + "05"],
           "data": "0x" + (word(64) + word(0) + word(1) + b"\x22" * 32).hex(),
           "blockNumber": "0x1a", "blockHash": "0x" + "cd" * 32, "logIndex": "0x0",
           "transactionHash": "0x" + "ef" * 32, "removed": False}
    receipt = {"transactionHash": "0x" + "ef" * 32, "status": "0x1", "blockNumber": "0x1a",
               "gasUsed": "0x1d4c0", "contractAddress": None, "logs": [log]}
    replies = {
        "receipt": {"jsonrpc": "2.0", "id": 1, "result": receipt},
        "logs": {"jsonrpc": "2.0", "id": 2, "result": [log, log]},
        "quantity": {"jsonrpc": "2.0", "id": 3, "result": "0x7a69"},
        "revert": {"jsonrpc": "2.0", "id": 4, "error": {
            "code": 3, "message": "execution reverted",
            "data": "0x" + (selector("WrongBond(uint256,uint256)") + word(10**18) + word(5)).hex()}},
    }
    for name, reply in replies.items():
        write("chain_decoders", f"reply-{name}", json.dumps(reply).encode())
    inner = selector("MalformedState(uint256)") + word(23)
    abi = {
        "wrong-bond": selector("WrongBond(uint256,uint256)") + word(10**18) + word(5),
        "invalid-step": selector("InvalidStep(bytes)") + word(32) + word(len(inner)) +
                        inner + bytes((32 - len(inner) % 32) % 32),
        "bytes32-array": word(32) + word(2) + b"\x01" * 32 + b"\x02" * 32,
        "node": b"".join(word(v) for v in (0, 0xabcdef, 1, 0, 2, 8, 0xffffffff, 1796282931, 3590,
                                           16, 0xffffffff, 0, 0, 0)),
    }
    for name, data in abi.items():
        write("chain_decoders", f"abi-{name}", data)


if __name__ == "__main__":
    main()
