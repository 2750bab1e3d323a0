#!/usr/bin/env python3
"""Mutation testing for faultline: does the suite notice a plausible slip in the code it guards?

Each mutant of tools/mutate/mutants.ini is applied, one at a time, to a private copy of the
source tree (build/mutate/src, so the working tree is never touched), rebuilt in its own build
tree (build/mutate/build), and tested with the ctest entries that guard its file, stage by
stage; the first failing stage kills it. A mutant that no longer builds is reported as such
and counted as neither killed nor survived. First, the same tests must pass without a mutant.

    tools/mutate/mutate.py [--only REGEX] [--resume] [--skip-baseline] [--report-only]
                           [--min-kill-rate 0.95] [--jobs N]

Writes build/mutate/report.md and exits 1 if the kill rate is below --min-kill-rate or a
mutant's text is not found exactly once. Every verdict is also kept in
build/mutate/outcomes.jsonl; --resume reuses those whose mutant and file are unchanged (after a
test changes, run the mutants it should kill again with --only).
"""
from __future__ import annotations

import argparse
import configparser
import dataclasses
import filecmp
import hashlib
import json
import re
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "mutate"
SOURCE = WORK / "src"
BUILD = WORK / "build"


@dataclasses.dataclass
class Stage:
    targets: list[str]
    tests: str  # a ctest -R regular expression
    exclude: str = ""  # a ctest -E regular expression
    # Seconds per ctest entry (a mutant may make a guest loop for ever); a timeout kills the
    # mutant and the report says so. Each is several times the entry's normal time.
    timeout: int = 60


@dataclasses.dataclass
class Guard:
    """What a mutated file needs: verifiers to regenerate, then test stages."""

    regenerate: list[str]  # backends whose Solidity verifier is generated from the file
    stages: list[Stage]


# The backends' entries that take seconds (whole programs, qemu runs) come after the rest.
SLOW = (r"every step of the small|windows of|whole example|examples: chunked|examples match|"
        r"programs match|claims from checkpoints|"
        r"random-instruction|op runs under qemu|randomly mutated|guest faults")
SLOW_RISCV = "^riscv:.*(" + SLOW + ")"
SLOW_MIPS = "^mips:.*(" + SLOW + ")"
# The EVM entries in two stages: the whole-example replays take minutes, the rest seconds.
EVM_LONG = r"^evm:every step of the small"
EVM_RISCV = [Stage(["evm_riscv_steps", "evm_tests"], r"^evm steps:|^evm:|^contracts: forge test",
                   EVM_LONG), Stage([], EVM_LONG, timeout=900)]
EVM_MIPS = [Stage(["evm_mips_steps", "evm_tests"], r"^evm mips steps:|^evm:|^contracts: forge test",
                  EVM_LONG), Stage([], EVM_LONG, timeout=900)]
EVM_ALL = [Stage(["evm_riscv_steps", "evm_mips_steps", "evm_tests"],
                 r"^evm steps:|^evm mips steps:|^evm:|^contracts: forge test", EVM_LONG),
           Stage([], EVM_LONG, timeout=900)]

GUARDS = {
    "backends/riscv/src/step.hpp": Guard([], [Stage(["riscv_tests"], r"^riscv:", SLOW),
                                              Stage([], SLOW_RISCV, timeout=240), *EVM_RISCV]),
    "backends/mips/src/step.hpp": Guard([], [Stage(["mips_tests"], r"^mips:", SLOW),
                                             Stage([], SLOW_MIPS, timeout=240), *EVM_MIPS]),
    "dispute/src/game.cpp": Guard([], [Stage(["dispute_tests"], r"^dispute:"),
                                       Stage(["faultline"], r"^cli: game")]),
    "framework/src/merkle_memory.cpp": Guard([], [
        Stage(["framework_tests"], r"^framework:"),
        Stage(["riscv_tests", "mips_tests"], r"^riscv:|^mips:", SLOW),
        Stage([], SLOW_RISCV + "|" + SLOW_MIPS, timeout=240), *EVM_ALL]),
    "backends/riscv/solidity/RiscvStepVerifier.sol.in": Guard(["riscv"], EVM_RISCV),
    "backends/mips/solidity/MipsStepVerifier.sol.in": Guard(["mips"], EVM_MIPS),
    "framework/src/solidity_template.cpp": Guard(["riscv", "mips"], EVM_ALL),
}

VERIFIERS = {"riscv": "Riscv", "mips": "Mips"}


@dataclasses.dataclass
class Mutant:
    name: str
    file: str
    find: str
    replace: str


@dataclasses.dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # killed, survived, does not build
    detail: str
    seconds: float


def read_mutants(path: Path) -> list[Mutant]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    unescape = lambda text: text.replace("\\n", "\n")
    return [Mutant(name, parser[name]["file"], unescape(parser[name]["find"]),
                   unescape(parser[name]["replace"])) for name in parser.sections()]


def check_mutants(mutants: list[Mutant]) -> list[str]:
    problems = []
    for mutant in mutants:
        if mutant.file not in GUARDS:
            problems.append(f"{mutant.name}: no guard for {mutant.file}")
            continue
        count = (ROOT / mutant.file).read_text(encoding="utf-8").count(mutant.find)
        if count != 1:
            problems.append(f"{mutant.name}: the text to mutate occurs {count} times in "
                            f"{mutant.file}, not once")
        if mutant.find == mutant.replace:
            problems.append(f"{mutant.name}: the replacement changes nothing")
    return problems


def run(command: list[str], cwd: Path = ROOT):
    return subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


def sync_source_copy() -> None:
    """Copies the tracked and untracked-but-not-ignored files; unchanged files keep their
    timestamps, so the mutation build stays incremental across runs."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    for name in filter(None, listed.stdout.split("\0")):
        source, copy = ROOT / name, SOURCE / name
        if not source.is_file():
            continue  # deleted in the working tree
        if copy.is_file() and filecmp.cmp(source, copy, shallow=False):
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, copy)  # a fresh timestamp: the build must see the change
    modules = SOURCE / "tools/npm/node_modules"
    if not modules.exists():
        modules.symlink_to(ROOT / "tools/npm/node_modules")


def regenerate(backend: str) -> subprocess.CompletedProcess:
    contract = VERIFIERS[backend]
    built = run(["cmake", "--build", str(BUILD), "--target", f"faultline_{backend}_solidity"])
    if built.returncode != 0:
        return built
    return run(["cmake", f"-DGENERATOR={BUILD}/backends/{backend}/faultline_{backend}_solidity",
                f"-DTEMPLATE=backends/{backend}/solidity/{contract}StepVerifier.sol.in",
                f"-DFORGE={ROOT}/tools/npm/node_modules/.bin/forge", "-DCONTRACTS=contracts",
                f"-DOUTPUT=contracts/src/{backend}/{contract}StepVerifier.sol",
                "-P", "cmake/generate_solidity.cmake"], cwd=SOURCE)


def baseline_failures(mutants: list[Mutant], jobs: int) -> list[str]:
    """Runs every stage the mutants' guards name on the unmutated tree: a mutant only counts
    as killed if the same tests pass without it."""
    stages = {}
    for mutant in mutants:
        for stage in GUARDS[mutant.file].stages:
            stages[(stage.tests, stage.exclude)] = stage
    targets = sorted({t for stage in stages.values() for t in stage.targets})
    built = run(["cmake", "--build", str(BUILD), "-j", str(jobs), "--target", *targets])
    if built.returncode != 0:
        return ["the unmutated tree does not build"]
    failures = []
    for stage in stages.values():
        tested = run(["ctest", "-j", str(jobs), "--timeout", str(stage.timeout), "-R", stage.tests,
                      *(["-E", stage.exclude] if stage.exclude else [])], cwd=BUILD)
        if tested.returncode != 0:
            failures.append(f"{stage.tests}: {first_failure(tested.stdout)}")
    return failures


def first_failure(output: str) -> str:
    lines = output.splitlines()
    if "The following tests FAILED:" in lines:
        failed = lines[lines.index("The following tests FAILED:") + 1].strip()
        return failed.split(" - ", 1)[-1]
    return lines[-1] if lines else "no output"


def try_mutant(mutant: Mutant, jobs: int) -> Outcome:
    started = time.monotonic()
    target = SOURCE / mutant.file
    original = target.read_text(encoding="utf-8")
    guard = GUARDS[mutant.file]
    generated = {b: (SOURCE / f"contracts/src/{b}/{VERIFIERS[b]}StepVerifier.sol").read_bytes()
                 for b in guard.regenerate}
    elapsed = lambda: time.monotonic() - started
    try:
        target.write_text(original.replace(mutant.find, mutant.replace), encoding="utf-8")
        for backend in guard.regenerate:
            made = regenerate(backend)
            if made.returncode != 0:
                return Outcome(mutant, "does not build", first_failure(made.stdout), elapsed())
        for stage in guard.stages:
            if stage.targets:
                built = run(["cmake", "--build", str(BUILD), "-j", str(jobs), "--target",
                             *stage.targets])
                if built.returncode != 0:
                    return Outcome(mutant, "does not build", "build failed", elapsed())
            tested = run(["ctest", "-j", str(jobs), "--stop-on-failure", "--timeout",
                          str(stage.timeout), "-R", stage.tests,
                          *(["-E", stage.exclude] if stage.exclude else [])], cwd=BUILD)
            if tested.returncode != 0:
                return Outcome(mutant, "killed", first_failure(tested.stdout), elapsed())
        return Outcome(mutant, "survived", "", elapsed())
    finally:
        target.write_text(original, encoding="utf-8")
        for backend, text in generated.items():
            (SOURCE / f"contracts/src/{backend}/{VERIFIERS[backend]}StepVerifier.sol").write_bytes(text)


def mutant_key(mutant: Mutant) -> str:
    """Identifies a mutant and the file it mutates, so a kept verdict is reused only for both."""
    text = (ROOT / mutant.file).read_bytes()
    return hashlib.sha256(json.dumps([mutant.name, mutant.file, mutant.find, mutant.replace,
                                      hashlib.sha256(text).hexdigest()]).encode()).hexdigest()


def kept_outcomes(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return {entry["key"]: entry for entry in map(json.loads, path.read_text().splitlines())}


def write_report(outcomes: list[Outcome], path: Path) -> float:
    decided = [o for o in outcomes if o.verdict in ("killed", "survived")]
    killed = sum(o.verdict == "killed" for o in decided)
    rate = killed / len(decided) if decided else 0.0
    lines = [f"# Mutation run: {killed} of {len(decided)} mutants killed ({100 * rate:.1f}%)", "",
             "| file | mutants | killed | survived | does not build |", "|---|---|---|---|---|"]
    for file in dict.fromkeys(o.mutant.file for o in outcomes):
        mine = [o.verdict for o in outcomes if o.mutant.file == file]
        lines.append(f"| `{file}` | {len(mine)} | {mine.count('killed')} | "
                     f"{mine.count('survived')} | {mine.count('does not build')} |")
    lines += ["", "| mutant | file | verdict | first failing test | seconds |",
              "|---|---|---|---|---|"]
    for o in outcomes:
        detail = o.detail.replace("|", "\\|")
        lines.append(f"| {o.mutant.name} | {o.mutant.file} | {o.verdict} | {detail} | "
                     f"{o.seconds:.0f} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="",
                        help="run the mutants whose name matches this regular expression")
    parser.add_argument("--resume", action="store_true",
                        help="reuse kept verdicts of unchanged mutants and files")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not first check that the guarding tests pass unmutated")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the kept verdicts; run nothing")
    parser.add_argument("--min-kill-rate", type=float, default=0.95)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    mutants = [m for m in read_mutants(ROOT / "tools/mutate/mutants.ini")
               if re.search(args.only, m.name)]
    if problems := check_mutants(mutants):
        print("\n".join(problems), file=sys.stderr)
        return 1
    if args.report_only:
        kept = kept_outcomes(WORK / "outcomes.jsonl")
        outcomes = [Outcome(m, kept[k]["verdict"], kept[k]["detail"], kept[k]["seconds"])
                    for m in mutants if (k := mutant_key(m)) in kept]
        rate = write_report(outcomes, WORK / "report.md")
        print(f"mutate: {len(outcomes)} of {len(mutants)} mutants have a kept verdict; "
              f"kill rate {100 * rate:.1f}%; report in {WORK / 'report.md'}")
        return 0
    print(f"mutate: {len(mutants)} mutants; preparing {SOURCE} and {BUILD}", flush=True)
    sync_source_copy()
    for command in (["cmake", "-S", str(SOURCE), "-B", str(BUILD), "-G", "Ninja",
                     # -O1 keeps each rebuild short (no test depends on the optimisation level);
                     # at -O1 g++ warns of maybe-uninitialized std::optional members falsely.
                     "-DCMAKE_BUILD_TYPE=Release",
                     "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG -Wno-maybe-uninitialized",
                     "-DFAULTLINE_BUILD_BENCH=OFF"],
                    ["cmake", "--build", str(BUILD), "-j", str(args.jobs)]):
        prepared = run(command)
        if prepared.returncode != 0:
            print(prepared.stdout, file=sys.stderr)
            return 1

    if not args.skip_baseline:
        print("mutate: running the guarding tests without a mutant", flush=True)
        if failures := baseline_failures(mutants, args.jobs):
            print("mutate: the tests fail without a mutant:\n" + "\n".join(failures),
                  file=sys.stderr)
            return 1
    kept_path = WORK / "outcomes.jsonl"  # appended to; a mutant's latest verdict counts
    kept = kept_outcomes(kept_path) if args.resume else {}
    outcomes = []
    for number, mutant in enumerate(mutants, 1):
        key = mutant_key(mutant)
        if key in kept:
            entry = kept[key]
            outcome = Outcome(mutant, entry["verdict"], entry["detail"], entry["seconds"])
        else:
            outcome = try_mutant(mutant, args.jobs)
            with kept_path.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"key": key, "name": mutant.name, "verdict": outcome.verdict,
                                      "detail": outcome.detail, "seconds": outcome.seconds}) + "\n")
        outcomes.append(outcome)
        print(f"[{number}/{len(mutants)}] {mutant.name}: {outcome.verdict} "
              f"({outcome.seconds:.0f} s) {outcome.detail}", flush=True)
        write_report(outcomes, WORK / "report.md")
    rate = write_report(outcomes, WORK / "report.md")
    print(f"mutate: kill rate {100 * rate:.1f}%; report in {WORK / 'report.md'}")
    return 0 if rate >= args.min_kill_rate else 1


if __name__ == "__main__":
    sys.exit(main())
